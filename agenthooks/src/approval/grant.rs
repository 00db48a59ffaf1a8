//! Grants: an approval given outside the call, carried by the session when
//! the agent resumes it, and checked before it lifts anything.
//!
//! A grant is signed. An approver holds an [`ApproverKey`], a name and a
//! secret, and signs each grant with it ([`ApproverKey::grant`]); the agent
//! [`trust`]s the same key. A grant lifts an ask only when the key trusted
//! under the name it carries verifies its signature, it has not expired, and
//! it has uses left. So a caller cannot mint a grant, name another
//! approver, stretch a grant's life or its uses: each of those fails the
//! signature.
//!
//! Uses: a grant is single-use unless signed for more
//! ([`ApproverKey::grant_uses`]). A use is spent when a call it lifted goes
//! on to its body, so a call with two asks resumed in two steps spends
//! nothing on the first. Spent uses are counted in this process, in memory,
//! each grant kept until it expires: replicas do not share the count, so a
//! grant presented to `n` replicas can lift up to `n` times its uses before
//! it expires. Keep grants short-lived, or route the resumes of one call to
//! one replica.
//!
//! The signature is an HMAC: the agent that verifies a key could sign with
//! it too. It proves that a grant came from a holder of the key, the
//! approver's service or the agent's own code, never from the caller.

use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::{Arc, LazyLock, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{ApprovalId, Denial};

/// The shortest approver secret [`ApproverKey::new`] accepts, in bytes.
pub const MIN_SECRET_LEN: usize = 32;

/// An approver's name and the secret its grants are signed with. The
/// approver signs grants with it; the agent [`trust`]s the same key.
///
/// ```
/// use std::time::Duration;
/// use agenthooks::approval::{self, ApproverKey};
///
/// let key = ApproverKey::new("alice", &[7; 32]).unwrap();
/// approval::trust(key.clone());
/// # let id = "ab".repeat(32).parse().unwrap();
/// // `id` from `HookError::ApprovalRequired`; the grant lifts that call
/// // once, within ten minutes.
/// let grant = key.grant(id, Duration::from_secs(600));
/// assert_eq!((grant.by(), grant.uses()), ("alice", 1));
/// ```
#[derive(Clone)]
pub struct ApproverKey {
    name: String,
    secret: Arc<[u8]>,
}

impl fmt::Debug for ApproverKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApproverKey").field("name", &self.name).finish_non_exhaustive()
    }
}

/// An approver secret shorter than [`MIN_SECRET_LEN`] bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an approver's secret is at least {MIN_SECRET_LEN} random bytes, this one is {len}: generate a longer one")]
pub struct WeakSecret {
    /// The length given.
    pub len: usize,
}

impl ApproverKey {
    /// The key of the approver `name`, who signs with `secret` (at least
    /// [`MIN_SECRET_LEN`] random bytes, kept as secret as any signing key).
    pub fn new(name: impl Into<String>, secret: &[u8]) -> Result<Self, WeakSecret> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(WeakSecret { len: secret.len() });
        }
        Ok(ApproverKey { name: name.into(), secret: secret.into() })
    }

    /// The approver's name, as grants and the audit log carry it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A grant of the call `id` names, good for one call within `valid_for`.
    pub fn grant(&self, id: ApprovalId, valid_for: Duration) -> Grant {
        self.grant_uses(id, valid_for, NonZeroU32::MIN)
    }

    /// A grant of the call `id` names, good for `uses` identical calls
    /// within `valid_for`.
    pub fn grant_uses(&self, id: ApprovalId, valid_for: Duration, uses: NonZeroU32) -> Grant {
        let expires = SystemTime::now() + valid_for;
        let expires_ms = expires.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_millis());
        let mut nonce = [0; 16];
        // Without a random source two grants of one call could share a
        // nonce, and so their count of uses.
        getrandom::fill(&mut nonce).expect("the operating system provides random bytes");
        let mut grant = Grant {
            id,
            by: self.name.clone(),
            expires_ms: u64::try_from(expires_ms).unwrap_or(u64::MAX),
            uses: uses.get(),
            nonce,
            tag: [0; 32],
        };
        grant.tag = grant.signature(&self.secret);
        grant
    }
}

/// A signed approval of one call, attached to the session of the call it
/// lifts with [`Session::with_approval`](crate::Session::with_approval).
/// Made by [`ApproverKey::grant`]; travels as text (`to_string`, `parse`).
///
/// ```
/// use std::time::Duration;
/// use agenthooks::approval::{ApproverKey, Grant};
///
/// let key = ApproverKey::new("alice", &[7; 32]).unwrap();
/// # let id = "ab".repeat(32).parse().unwrap();
/// let grant = key.grant(id, Duration::from_secs(600));
/// let text = grant.to_string();
/// assert_eq!(text.parse::<Grant>().unwrap(), grant);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    id: ApprovalId,
    by: String,
    expires_ms: u64,
    uses: u32,
    nonce: [u8; 16],
    tag: [u8; 32],
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grant")
            .field("id", &self.id)
            .field("by", &self.by)
            .field("expires_ms", &self.expires_ms)
            .field("uses", &self.uses)
            .finish_non_exhaustive()
    }
}

impl Grant {
    /// The call it lifts.
    pub fn id(&self) -> ApprovalId {
        self.id
    }

    /// Who granted it: the name of the key that signed it.
    pub fn by(&self) -> &str {
        &self.by
    }

    /// When it stops lifting anything.
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.expires_ms)
    }

    /// How many calls it may lift.
    pub fn uses(&self) -> u32 {
        self.uses
    }

    /// The grant's signature with `secret`.
    fn signature(&self, secret: &[u8]) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
        self.sign_into(&mut mac);
        mac.finalize().into_bytes().into()
    }

    /// Feeds what the signature covers: every field but the signature.
    fn sign_into(&self, mac: &mut Hmac<Sha256>) {
        mac.update(b"agenthooks grant 1");
        mac.update(&self.id.0);
        mac.update(&(self.by.len() as u64).to_le_bytes());
        mac.update(self.by.as_bytes());
        mac.update(&self.expires_ms.to_le_bytes());
        mac.update(&self.uses.to_le_bytes());
        mac.update(&self.nonce);
    }

    /// Whether the grant may lift its call now: signed by the key trusted
    /// under its name, not expired, a use left. Spends nothing.
    pub(crate) fn check(&self) -> Result<(), Denial> {
        let by = || self.by.clone();
        let secret = TRUSTED.read().unwrap_or_else(PoisonError::into_inner).get(&self.by).cloned();
        let Some(secret) = secret else { return Err(Denial::UntrustedApprover { by: by() }) };
        let mut mac = Hmac::<Sha256>::new_from_slice(&secret).expect("HMAC takes a key of any length");
        self.sign_into(&mut mac);
        if mac.verify_slice(&self.tag).is_err() {
            return Err(Denial::ForgedGrant { by: by() });
        }
        if now_ms() >= self.expires_ms {
            return Err(Denial::GrantExpired { by: by() });
        }
        let spent = SPENT.lock().unwrap_or_else(PoisonError::into_inner);
        if spent.used(&self.tag) >= self.uses {
            return Err(Denial::GrantSpent { by: by(), uses: self.uses });
        }
        Ok(())
    }
}

/// Spends one use of each of `grants`, all or none: fails with the first
/// that has none left (a concurrent call spent it since it was checked).
pub(crate) fn spend(grants: &[&Grant]) -> Result<(), (usize, Denial)> {
    let mut spent = SPENT.lock().unwrap_or_else(PoisonError::into_inner);
    for (at, grant) in grants.iter().enumerate() {
        if spent.used(&grant.tag) >= grant.uses {
            return Err((at, Denial::GrantSpent { by: grant.by.clone(), uses: grant.uses }));
        }
    }
    for grant in grants {
        spent.spend(grant);
    }
    Ok(())
}

/// The grant's text form: `<id>.<expires ms>.<uses>.<nonce>.<signature>.<by>`,
/// the name last since it may hold any character.
impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}.", self.id, self.expires_ms, self.uses)?;
        self.nonce.iter().try_for_each(|byte| write!(f, "{byte:02x}"))?;
        f.write_str(".")?;
        self.tag.iter().try_for_each(|byte| write!(f, "{byte:02x}"))?;
        write!(f, ".{}", self.by)
    }
}

/// Text that is not a grant's text form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a grant: pass the text of a `Grant` exactly as its `to_string` wrote it")]
pub struct BadGrant;

impl FromStr for Grant {
    type Err = BadGrant;

    fn from_str(text: &str) -> Result<Self, BadGrant> {
        let mut parts = text.splitn(6, '.');
        let mut next = || parts.next().ok_or(BadGrant);
        let id = next()?.parse().map_err(|_| BadGrant)?;
        let expires_ms = next()?.parse().map_err(|_| BadGrant)?;
        let uses = next()?.parse().map_err(|_| BadGrant)?;
        let nonce = hex(next()?)?;
        let tag = hex(next()?)?;
        let by = next()?.to_owned();
        Ok(Grant { id, by, expires_ms, uses, nonce, tag })
    }
}

/// `N` bytes written as `2 N` hexadecimal digits.
fn hex<const N: usize>(text: &str) -> Result<[u8; N], BadGrant> {
    if text.len() != 2 * N || !text.is_ascii() {
        return Err(BadGrant);
    }
    let mut bytes = [0; N];
    for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
        let pair = std::str::from_utf8(pair).map_err(|_| BadGrant)?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| BadGrant)?;
    }
    Ok(bytes)
}

/// The keys grants are checked with, by approver name.
static TRUSTED: LazyLock<RwLock<HashMap<String, Arc<[u8]>>>> = LazyLock::new(RwLock::default);

/// Trusts `key`: grants signed with it lift the calls they name, as
/// approved by its name. Replaces a key trusted before under that name.
pub fn trust(key: ApproverKey) {
    TRUSTED.write().unwrap_or_else(PoisonError::into_inner).insert(key.name, key.secret);
}

/// Stops trusting the key of the approver `name`: its grants lift nothing
/// from now on, even those signed before.
pub fn distrust(name: &str) {
    TRUSTED.write().unwrap_or_else(PoisonError::into_inner).remove(name);
}

/// The uses spent of each grant not yet expired, by signature.
static SPENT: LazyLock<Mutex<Spent>> = LazyLock::new(Mutex::default);

#[derive(Default)]
struct Spent {
    /// Uses spent and expiry, by grant signature.
    uses: HashMap<[u8; 32], (u32, u64)>,
    /// The count of grants at which expired ones are dropped next.
    prune_at: usize,
}

impl Spent {
    fn used(&self, tag: &[u8; 32]) -> u32 {
        self.uses.get(tag).map_or(0, |(used, _)| *used)
    }

    fn spend(&mut self, grant: &Grant) {
        if self.uses.len() >= self.prune_at {
            let now = now_ms();
            self.uses.retain(|_, (_, expires_ms)| *expires_ms > now);
            self.prune_at = (2 * self.uses.len()).max(1024);
        }
        self.uses.entry(grant.tag).or_insert((0, grant.expires_ms)).0 += 1;
    }
}

/// Milliseconds since the Unix epoch, by the wall clock: grants travel
/// between processes.
fn now_ms() -> u64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}
