//! The hash chain: how a line is sealed with its hash, and how a line is
//! checked against its own hash and the line before it.
//!
//! A line is a JSON object whose last two members are `"prev"`, the hash of
//! the line before it ([`GENESIS`] for the first line of a file), and
//! `"hash"`, the SHA-256 of every byte of the line before `,"hash":`, in
//! lower-case hex. Editing any byte of a line breaks its own hash; deleting,
//! inserting or moving a line breaks the `prev` link (and the sequence
//! number) of the line after the change.

use sha2::{Digest, Sha256};

use super::record::Entry;
use super::Tamper;

/// The `prev` of the first line of every log file: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What precedes a line's hash.
const HASH_KEY: &[u8] = b",\"hash\":\"";
/// What follows it: the end of the object.
const LINE_END: &[u8] = b"\"}";
/// The length of a line's trailing `,"hash":"…"}`.
const SUFFIX_LEN: usize = HASH_KEY.len() + 64 + LINE_END.len();

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

/// Seals the line that `buf[start..]` holds (a JSON object whose last member
/// is `prev`): appends its hash and a newline, and returns the new link.
pub(crate) fn seal(buf: &mut Vec<u8>, start: usize, seq: u64) -> Link {
    debug_assert_eq!(buf.last(), Some(&b'}'), "a sealed line is a JSON object");
    buf.pop();
    let hash = hex(&buf[start..]);
    buf.extend_from_slice(HASH_KEY);
    buf.extend_from_slice(&hash);
    buf.extend_from_slice(LINE_END);
    buf.push(b'\n');
    Link { seq, hash }
}

/// Checks one line (without its newline) against its own hash, and returns
/// its record and the link it ends at.
pub(crate) fn check_alone(line: &[u8]) -> Result<(Entry<'_>, Link), Tamper> {
    let body_len = line.len().checked_sub(SUFFIX_LEN).ok_or(Tamper::Malformed)?;
    let (body, suffix) = line.split_at(body_len);
    if !suffix.starts_with(HASH_KEY) || !suffix.ends_with(LINE_END) {
        return Err(Tamper::Malformed);
    }
    let hash = hex(body);
    if suffix[HASH_KEY.len()..HASH_KEY.len() + 64] != hash {
        return Err(Tamper::HashMismatch);
    }
    let entry = Entry::parse(line).map_err(|_| Tamper::Malformed)?;
    let seq = entry.seq;
    Ok((entry, Link { seq, hash }))
}

/// Checks one line (without its newline) against its own hash and against
/// `before`, the link of the line before it; returns the link it ends at.
pub(crate) fn check(line: &[u8], before: &Link) -> Result<Link, Tamper> {
    let (entry, after) = check_alone(line)?;
    let expected = before.seq + 1;
    if entry.seq != expected {
        return Err(Tamper::Sequence { expected, found: entry.seq });
    }
    if entry.prev.as_bytes() != before.hash {
        return Err(Tamper::BrokenChain);
    }
    Ok(after)
}

/// The SHA-256 of `bytes`, as lower-case hex.
fn hex(bytes: &[u8]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = [0; 64];
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest.iter()) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    out
}
