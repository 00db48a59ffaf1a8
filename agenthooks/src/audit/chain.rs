//! The chain: how a line is framed, sealed with its hash or keyed hash,
//! and checked; and the key of a keyed chain.
//!
//! # The frame
//!
//! A line is one JSON object. Its first member is `"seq"`, one more than the
//! line before; its last two are `"prev"`, the seal of the line before it,
//! and the line's own seal, over every byte of the line before that last
//! member, in lower-case hex:
//!
//! - **unkeyed** (the default): `"hash"`, the SHA-256 of those bytes; the
//!   first line of a file has [`GENESIS`] as its `prev`;
//! - **keyed**: `"hmac"`, their HMAC-SHA256 under the [`ChainKey`] the log
//!   was started with; the first line of a file has the key's
//!   [id](ChainKey::id) as its `prev`.
//!
//! So every line says which mode it was sealed in, and a keyed file says
//! which key, without revealing it. Editing any byte of a line breaks its
//! own seal; deleting, inserting or moving a line breaks the sequence and
//! the `prev` link of the line after the change. Checking reads only this
//! frame, so it needs no JSON parser.

use std::fmt;
use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::{KeyError, Tamper};

/// The `prev` of the first line of every unkeyed log file: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How a line starts: its sequence number follows.
const SEQ_KEY: &[u8] = concat!("{\"", symbol!(SEQ), "\":").as_bytes();
/// What precedes the seal of the line before.
const PREV_KEY: &[u8] = concat!(",\"", symbol!(PREV), "\":\"").as_bytes();
/// What precedes an unkeyed line's own hash.
const HASH_KEY: &[u8] = concat!(",\"", symbol!(HASH), "\":\"").as_bytes();
/// What precedes a keyed line's own HMAC.
const HMAC_KEY: &[u8] = concat!(",\"", symbol!(HMAC), "\":\"").as_bytes();
/// What ends a line.
const LINE_END: &[u8] = b"\"}";
/// The length of a line's trailing `,"hash":"…"}` or `,"hmac":"…"}`, which
/// its seal does not cover.
const UNSEALED_LEN: usize = HASH_KEY.len() + 64 + LINE_END.len();
const _: () = assert!(HASH_KEY.len() == HMAC_KEY.len(), "both seals frame a line alike");

/// What a key's id is the HMAC of.
const KEY_ID_INPUT: &[u8] = b"agenthooks audit chain key id";

/// The secret key of a keyed chain: each line's seal is an HMAC-SHA256
/// under it, so that no one without it can edit a line, or append one, and
/// leave a chain that verifies.
///
/// The key is never written to the log, and never shown by `Debug`: the log
/// and `Debug` show only its [id](Self::id).
///
/// ```
/// use agenthooks::audit::{AuditConfig, ChainKey};
///
/// let key = ChainKey::new(b"a secret of at least thirty-two bytes!!")?;
/// let config = AuditConfig::new("/var/log/agent/audit.jsonl").key(key.clone());
/// assert!(!format!("{config:?}").contains("secret"));
/// assert_eq!(key.id().len(), 64);
/// # Ok::<(), agenthooks::audit::KeyError>(())
/// ```
#[derive(Clone)]
pub struct ChainKey {
    /// The HMAC keyed once; each line clones it.
    mac: Hmac<Sha256>,
    id: [u8; 64],
}

impl ChainKey {
    /// The shortest key accepted, in bytes.
    pub const MIN_LEN: usize = 32;

    /// A key of `bytes`, at least [`MIN_LEN`](Self::MIN_LEN) of them.
    pub fn new(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() < Self::MIN_LEN {
            return Err(KeyError::TooShort { len: bytes.len(), min: Self::MIN_LEN });
        }
        let mac = Hmac::<Sha256>::new_from_slice(bytes).expect("HMAC takes a key of any length");
        let mut id = mac.clone();
        id.update(KEY_ID_INPUT);
        let id = hex(&id.finalize().into_bytes());
        Ok(ChainKey { mac, id })
    }

    /// The key in the file at `path`: its bytes, without one trailing
    /// newline (`\n` or `\r\n`), at least [`MIN_LEN`](Self::MIN_LEN) of
    /// them. `openssl rand -hex 32 > audit.key` makes a good one.
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        let bytes = std::fs::read(path).map_err(|source| KeyError::Read { path: path.to_owned(), source })?;
        let bytes = bytes.strip_suffix(b"\n").map_or(&bytes[..], |line| line.strip_suffix(b"\r").unwrap_or(line));
        Self::new(bytes).map_err(|error| match error {
            KeyError::TooShort { len, min } => KeyError::FileTooShort { path: path.to_owned(), len, min },
            other => other,
        })
    }

    /// The key in the file that `AGENTHOOKS_AUDIT_KEY_FILE` names, or `None`
    /// when the variable is unset or empty.
    pub fn from_env() -> Result<Option<Self>, KeyError> {
        match std::env::var_os(super::KEY_FILE_ENV) {
            Some(path) if !path.is_empty() => Self::from_file(Path::new(&path)).map(Some),
            _ => Ok(None),
        }
    }

    /// The key's id: the HMAC-SHA256 of a fixed text under the key, in
    /// lower-case hex. It names the key without revealing it, and is the
    /// `prev` of the first line of a log keyed with it.
    pub fn id(&self) -> &str {
        std::str::from_utf8(&self.id).expect("an id is ASCII hex")
    }
}

impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainKey").field("id", &self.id()).finish_non_exhaustive()
    }
}

impl PartialEq for ChainKey {
    /// Two keys are equal when their ids are.
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for ChainKey {}

/// Where a chain stands after a line: its sequence number and seal (hex).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    pub(crate) seq: u64,
    hash: [u8; 64],
}

impl Link {
    /// The start of every unkeyed chain: sequence 0, hash [`GENESIS`].
    pub(crate) const GENESIS: Link = Link { seq: 0, hash: [b'0'; 64] };

    /// The start of a chain sealed with `key` (or unkeyed, without one).
    pub(crate) fn start(key: Option<&ChainKey>) -> Link {
        key.map_or(Link::GENESIS, |key| Link { seq: 0, hash: key.id })
    }

    /// The seal, as lower-case hex.
    pub(crate) fn hash(&self) -> &str {
        std::str::from_utf8(&self.hash).expect("a hash is ASCII hex")
    }
}

/// Starts a line with sequence number `seq`; returns where it starts.
pub(crate) fn open_line(buf: &mut Vec<u8>, seq: u64) -> usize {
    let start = buf.len();
    buf.extend_from_slice(SEQ_KEY);
    buf.extend_from_slice(itoa::Buffer::new().format(seq).as_bytes());
    start
}

/// Ends the line that started at `buf[start]` (see [`open_line`]), whose
/// members follow its sequence number: appends `prev`'s seal, the line's own
/// seal (an HMAC under `key`, else a hash) and a newline; returns the new
/// link.
pub(crate) fn seal(buf: &mut Vec<u8>, start: usize, prev: &Link, key: Option<&ChainKey>) -> Link {
    buf.extend_from_slice(PREV_KEY);
    buf.extend_from_slice(&prev.hash);
    buf.push(b'"');
    let hash = seal_of(&buf[start..], key);
    buf.extend_from_slice(if key.is_some() { HMAC_KEY } else { HASH_KEY });
    buf.extend_from_slice(&hash);
    buf.extend_from_slice(LINE_END);
    buf.push(b'\n');
    Link { seq: prev.seq + 1, hash }
}

/// A line whose own seal checks out: its link, and the seal it says comes
/// before it.
pub(crate) struct Checked<'a> {
    pub(crate) link: Link,
    pub(crate) prev: &'a [u8],
}

/// Whether `line` (without its newline) is sealed with a key, as its last
/// member says; `None` when it has neither seal.
pub(crate) fn is_keyed(line: &[u8]) -> Option<bool> {
    let unsealed = line.len().checked_sub(UNSEALED_LEN).map(|at| &line[at..])?;
    if unsealed.starts_with(HMAC_KEY) {
        Some(true)
    } else if unsealed.starts_with(HASH_KEY) {
        Some(false)
    } else {
        None
    }
}

/// Checks one line (without its newline) against its own seal: an HMAC
/// under `key`, or a hash without one. A line sealed the other way fails
/// with [`Tamper::ChainMode`].
pub(crate) fn check_alone<'a>(line: &'a [u8], key: Option<&ChainKey>) -> Result<Checked<'a>, Tamper> {
    let sealed_len = line.len().checked_sub(UNSEALED_LEN).ok_or(Tamper::Malformed)?;
    let (sealed, unsealed) = line.split_at(sealed_len);
    let seal_key = if key.is_some() { HMAC_KEY } else { HASH_KEY };
    let own_hash = match unsealed.strip_suffix(LINE_END) {
        Some(rest) => match rest.strip_prefix(seal_key) {
            Some(own_hash) => own_hash,
            None => return Err(is_keyed(line).map_or(Tamper::Malformed, |keyed| Tamper::ChainMode { keyed })),
        },
        None => return Err(Tamper::Malformed),
    };
    let hash = seal_of(sealed, key);
    if own_hash != hash {
        return Err(Tamper::HashMismatch);
    }
    let members = sealed.strip_suffix(b"\"").ok_or(Tamper::Malformed)?;
    let (members, prev) = members.split_at(members.len().checked_sub(64).ok_or(Tamper::Malformed)?);
    let seq =
        members.strip_suffix(PREV_KEY).and_then(|members| members.strip_prefix(SEQ_KEY)).ok_or(Tamper::Malformed)?;
    let digits = seq.iter().take_while(|byte| byte.is_ascii_digit()).count();
    let seq =
        std::str::from_utf8(&seq[..digits]).ok().and_then(|digits| digits.parse().ok()).ok_or(Tamper::Malformed)?;
    Ok(Checked { link: Link { seq, hash }, prev })
}

/// The `prev` a line says it follows, unchecked; `None` when the line is
/// not framed as a record.
pub(crate) fn prev_of(line: &[u8]) -> Option<&str> {
    let sealed = line.get(..line.len().checked_sub(UNSEALED_LEN)?)?;
    let members = sealed.strip_suffix(b"\"")?;
    let (members, prev) = members.split_at(members.len().checked_sub(64)?);
    members.ends_with(PREV_KEY).then(|| std::str::from_utf8(prev).ok()).flatten()
}

/// The seal a line ends with, as hex, unchecked: the last 64 digits before
/// its end. The line must be framed (see [`check_alone`]).
pub(crate) fn seal_in(line: &[u8]) -> &str {
    let end = line.len() - LINE_END.len();
    std::str::from_utf8(&line[end - 64..end]).unwrap_or_default()
}

/// Whether `bytes`, found after a log's last newline, could be the start
/// of a line a writer was cut off writing: they begin as every line does
/// (or are a beginning of that), and hold no control character, which a
/// line never does (JSON escapes them).
pub(crate) fn could_be_torn_line(bytes: &[u8]) -> bool {
    (bytes.starts_with(SEQ_KEY) || SEQ_KEY.starts_with(bytes)) && !bytes.iter().any(|&byte| byte < 0x20)
}

/// Checks one line (without its newline) against its own seal and against
/// `before`, the link of the line before it; returns the link it ends at.
pub(crate) fn check(line: &[u8], before: &Link, key: Option<&ChainKey>) -> Result<Link, Tamper> {
    let Checked { link, prev } = check_alone(line, key)?;
    let expected = before.seq + 1;
    if link.seq != expected {
        return Err(Tamper::Sequence { expected, found: link.seq });
    }
    if prev != before.hash {
        return Err(Tamper::BrokenChain);
    }
    Ok(link)
}

/// The digits of lower-case hex.
pub(crate) const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The seal of `bytes`: their HMAC-SHA256 under `key`, else their SHA-256.
fn seal_of(bytes: &[u8], key: Option<&ChainKey>) -> [u8; 64] {
    match key {
        None => hex(&Sha256::digest(bytes)),
        Some(key) => {
            let mut mac = key.mac.clone();
            mac.update(bytes);
            hex(&mac.finalize().into_bytes())
        }
    }
}

/// 32 bytes as lower-case hex.
fn hex(digest: &[u8]) -> [u8; 64] {
    /// The two hex digits of every byte.
    const PAIRS: [[u8; 2]; 256] = {
        let mut pairs = [[0; 2]; 256];
        let mut byte = 0;
        while byte < 256 {
            pairs[byte] = [HEX_DIGITS[byte >> 4], HEX_DIGITS[byte & 0x0f]];
            byte += 1;
        }
        pairs
    };
    let mut out = [0; 64];
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest.iter()) {
        pair.copy_from_slice(&PAIRS[usize::from(*byte)]);
    }
    out
}
