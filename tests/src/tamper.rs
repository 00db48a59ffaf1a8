//! Rewriting an audit log as someone who can write the file would: editing
//! a line and sealing it, and the lines after it, again, so that the chain
//! holds together as far as the seal used allows.

use std::fmt::Write as _;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// How a rewritten line is sealed.
#[derive(Clone, Copy, Debug)]
pub enum Seal<'k> {
    /// SHA-256, under the member `hash`: the unkeyed algorithm.
    Hash,
    /// SHA-256, but under the member `hmac`: the unkeyed algorithm passed
    /// off as a keyed seal.
    HashAsHmac,
    /// HMAC-SHA256 under this key, under the member `hmac`.
    Hmac(&'k [u8]),
}

impl Seal<'_> {
    fn member(self) -> &'static str {
        match self {
            Seal::Hash => "hash",
            Seal::HashAsHmac | Seal::Hmac(_) => "hmac",
        }
    }

    fn of(self, bytes: &[u8]) -> String {
        let digest: Vec<u8> = match self {
            Seal::Hash | Seal::HashAsHmac => Sha256::digest(bytes).to_vec(),
            Seal::Hmac(key) => {
                let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
                mac.update(bytes);
                mac.finalize().into_bytes().to_vec()
            }
        };
        digest.iter().fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
    }
}

/// The seal a line ends with.
pub fn seal_of(line: &str) -> &str {
    &line[line.len() - 66..line.len() - 2]
}

/// Seals `lines[from..]` (each without its newline) again with `seal`, each
/// chained from the line before it; the first line of the file chains from
/// `first_prev`.
pub fn reseal(lines: &mut [String], from: usize, seal: Seal<'_>, first_prev: &str) {
    for at in from..lines.len() {
        let prev = if at == 0 { first_prev.to_owned() } else { seal_of(&lines[at - 1]).to_owned() };
        let line = &lines[at];
        let members = &line[..line.rfind(r#","prev":""#).expect("a line has a prev")];
        let sealed = format!(r#"{members},"prev":"{prev}""#);
        let own = seal.of(sealed.as_bytes());
        lines[at] = format!(r#"{sealed},"{}":"{own}"}}"#, seal.member());
    }
}

/// `lines` as a log file's text.
pub fn text(lines: &[String]) -> String {
    lines.iter().flat_map(|line| [line.as_str(), "\n"]).collect()
}
