//! The hash chain and the frame of a line: how a line starts, how it is
//! sealed with its hash, and how it is checked against its own hash and the
//! line before it.
//!
//! A line is one JSON object. Its first member is `"seq"`, one more than the
//! line before; its last two are `"prev"`, the hash of the line before it
//! ([`GENESIS`] for the first line of a file), and `"hash"`, the SHA-256 of
//! every byte of the line before `,"hash":`, in lower-case hex. Editing any
//! byte of a line breaks its own hash; deleting, inserting or moving a line
//! breaks the sequence and the `prev` link of the line after the change.
//! Checking reads only this frame, so it needs no JSON parser.

use sha2::{Digest, Sha256};

use super::Tamper;

/// The `prev` of the first line of every log file: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How a line starts: its sequence number follows.
const SEQ_KEY: &[u8] = b"{\"seq\":";
/// What precedes the hash of the line before.
const PREV_KEY: &[u8] = b",\"prev\":\"";
/// What precedes a line's own hash.
const HASH_KEY: &[u8] = b",\"hash\":\"";
/// What ends a line.
const LINE_END: &[u8] = b"\"}";
/// The length of a line's trailing `,"hash":"…"}`, which its hash does not
/// cover.
const UNHASHED_LEN: usize = HASH_KEY.len() + 64 + LINE_END.len();

/// Where a chain stands after a line: its sequence number and hash (hex).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    pub(crate) seq: u64,
    hash: [u8; 64],
}

impl Link {
    /// The start of every chain: sequence 0, hash [`GENESIS`].
    pub(crate) const GENESIS: Link = Link { seq: 0, hash: [b'0'; 64] };

    /// The hash, as lower-case hex.
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

/// Ends the line that started at `buf[start]` (see [`open_line`]): appends
/// `prev`'s hash, the line's own hash and a newline; returns the new link.
pub(crate) fn seal(buf: &mut Vec<u8>, start: usize, prev: &Link, seq: u64) -> Link {
    buf.extend_from_slice(PREV_KEY);
    buf.extend_from_slice(&prev.hash);
    buf.push(b'"');
    let hash = hex_sha256(&buf[start..]);
    buf.extend_from_slice(HASH_KEY);
    buf.extend_from_slice(&hash);
    buf.extend_from_slice(LINE_END);
    buf.push(b'\n');
    Link { seq, hash }
}

/// A line whose own hash checks out: its link, and the hash it says comes
/// before it.
pub(crate) struct Checked<'a> {
    pub(crate) link: Link,
    prev: &'a [u8],
}

/// Checks one line (without its newline) against its own hash.
pub(crate) fn check_alone(line: &[u8]) -> Result<Checked<'_>, Tamper> {
    let hashed_len = line.len().checked_sub(UNHASHED_LEN).ok_or(Tamper::Malformed)?;
    let (hashed, unhashed) = line.split_at(hashed_len);
    let own_hash = unhashed.strip_prefix(HASH_KEY).and_then(|rest| rest.strip_suffix(LINE_END));
    let hash = hex_sha256(hashed);
    match own_hash {
        None => return Err(Tamper::Malformed),
        Some(own_hash) if own_hash != hash => return Err(Tamper::HashMismatch),
        Some(_) => {}
    }
    let members = hashed.strip_suffix(b"\"").ok_or(Tamper::Malformed)?;
    let (members, prev) = members.split_at(members.len().checked_sub(64).ok_or(Tamper::Malformed)?);
    let seq =
        members.strip_suffix(PREV_KEY).and_then(|members| members.strip_prefix(SEQ_KEY)).ok_or(Tamper::Malformed)?;
    let digits = seq.iter().take_while(|byte| byte.is_ascii_digit()).count();
    let seq =
        std::str::from_utf8(&seq[..digits]).ok().and_then(|digits| digits.parse().ok()).ok_or(Tamper::Malformed)?;
    Ok(Checked { link: Link { seq, hash }, prev })
}

/// Whether `bytes`, found after a log's last newline, could be the start
/// of a line a writer was cut off writing: they begin as every line does
/// (or are a beginning of that), and hold no control character, which a
/// line never does (JSON escapes them).
pub(crate) fn could_be_torn_line(bytes: &[u8]) -> bool {
    (bytes.starts_with(SEQ_KEY) || SEQ_KEY.starts_with(bytes)) && !bytes.iter().any(|&byte| byte < 0x20)
}

/// Checks one line (without its newline) against its own hash and against
/// `before`, the link of the line before it; returns the link it ends at.
pub(crate) fn check(line: &[u8], before: &Link) -> Result<Link, Tamper> {
    let Checked { link, prev } = check_alone(line)?;
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

/// The SHA-256 of `bytes`, as lower-case hex.
fn hex_sha256(bytes: &[u8]) -> [u8; 64] {
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
    let digest = Sha256::digest(bytes);
    let mut out = [0; 64];
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest.iter()) {
        pair.copy_from_slice(&PAIRS[usize::from(*byte)]);
    }
    out
}
