//! Configuration without a rebuild: switch hooks off, change their time
//! limits, order and fallback, put them in shadow mode, per hook and per
//! tenant, from a TOML file the agent reloads while it runs.
//!
//! ```toml
//! # The kill switch: no hook runs.
//! disable_all = false
//! # Only the hooks named below run (a managed-only deployment).
//! managed_only = false
//! # No hook of these crates runs.
//! disable_crates = ["globex_hooks"]
//!
//! [hook."acme_hooks::search::eu_only"]
//! enabled = true        # false switches the hook off
//! timeout_ms = 200
//! order = 5
//! fallback = false      # matters only where the point lets failures through
//! mode = "shadow"       # audited, never enforced
//!
//! [hook."acme_hooks::search::eu_only".tenant.acme]
//! mode = "enforce"      # acme's calls enforce it already
//! ```
//!
//! A hook is named by its path, as [`linked_hooks`](crate::linked_hooks) and
//! the audit log's `hook.impl` show it. A configuration is applied whole:
//! each point's table is built anew with it and swapped in, so a call runs
//! with the old configuration or the new one, never half of each, and pays
//! nothing for it (the settings are in the table, not looked up per call).
//! A file that does not parse, or says something invalid, is refused with
//! its line and column, and the configuration in force stays. Names that
//! match no hook or crate are reported in the [`Applied`] summary, in the
//! audit line, and as a warning: a typo in a kill switch must not look
//! like it worked.
//!
//! Every configuration applied or refused is an audit line of its own
//! (`hook.impl` = `agenthooks::config::apply`): the file's SHA-256 digest,
//! where it came from, what changed, and the files its sections read, each
//! with its digest. A configuration takes effect only once the audit log
//! has taken its line: when the log cannot (it could not start, or has
//! stopped), the configuration is refused with
//! [`ConfigError::Unrecorded`] and the one in force stays, so that no
//! switch, the kill switch above all, is ever in force unrecorded.
//!
//! Applications happen one at a time, each reading its files under the
//! same lock it installs under: of two at once, the one that read last
//! installs last, so the newest content of a file wins. The files read
//! (the configuration and those its sections name) must be regular files
//! of at most [`MAX_FILE_BYTES`]: a FIFO, which would block the reader, a
//! directory or a device is refused unread ([`ConfigError::NotAFile`]), as
//! is a larger file ([`ConfigError::TooLarge`]).
//!
//! Tenant settings (`[hook."…".tenant.globex]`) must name a tenant the
//! hook can run for: its declared tenant, or one its crate is bound to.
//! Any other name, most likely misspelt, is refused with
//! [`ConfigError::UnknownTenant`], which lists the tenants the hook runs
//! for. A hook switched off for one tenant runs for none of that tenant's
//! calls, whatever other hooks remain for it.
//!
//! A switch reaches every way a hook runs from the next call on: linked
//! and registered hooks, before and after points, every composition, and
//! streams already open (see [`lifecycle::stream`](crate::lifecycle::stream)).
//! A call already under way finishes with the configuration it began with.
//!
//! # Sections other crates read
//!
//! A crate can have its own settings and files named in the same file,
//! reloaded and refused with it: it registers a section with
//! [`config_section!`](crate::config_section), a top-level table of its
//! name. `agenthooks-cedar` reads its policy files this way:
//!
//! ```toml
//! [cedar]
//! search = "policies/search.cedar"   # relative to this file's directory
//! ```
//!
//! A configuration is applied in two steps: every section prepares its part
//! (reads and checks its files, changing nothing), then, only when all of
//! them and the hook settings are valid, the hook settings are swapped in
//! and every section commits. One invalid section, or file it names,
//! refuses the whole configuration with a [`ConfigError::Section`] naming
//! the section, the file, the line and the column; the hook settings and
//! every section's state in force stay. See [`SectionInput`] for what a
//! section's preparation can do.
#![doc = include_str!("../../docs/configuration.md")]

mod file;
mod section;
mod watch;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use sha2::{Digest, Sha256};

pub use file::{ConfigError, MAX_FILE_BYTES};
pub use section::{Commit, Prepare, Section, SectionError, SectionFile, SectionInput};
pub use watch::{Watcher, CONFIG_ENV};

use crate::audit::AuditError;
use crate::link::Reach;
use crate::policy::Mode;
use crate::{intern, HookKind, HookMeta, Session, Status};
use file::{File, Settings};
use section::FileRead;

/// A configuration in force: what each hook's settings become.
#[derive(Debug, Default)]
pub(crate) struct Config {
    file: File,
}

impl Config {
    /// The metadata `hook` runs with in a chain of `tenant` (`None`: the
    /// chain of every tenant without its own), or `None` when it is off.
    pub(crate) fn settle(&self, hook: &'static HookMeta, tenant: Option<&str>) -> Option<&'static HookMeta> {
        let file = &self.file;
        if file.disable_all || file.disable_crates.iter().any(|krate| krate.get_ref() == hook.crate_name) {
            return None;
        }
        let Some(own) = file.hook.get(hook.path) else {
            return (!file.managed_only).then_some(hook);
        };
        let for_tenant = tenant.and_then(|tenant| own.tenant.as_ref()?.get_ref().get(tenant));
        if pick_of(own, for_tenant, |settings| settings.enabled) == Some(false) {
            return None;
        }
        let settled = HookMeta {
            timeout_ms: pick_of(own, for_tenant, |settings| {
                settings.timeout_ms.as_ref().map(|timeout| *timeout.get_ref())
            })
            .unwrap_or(hook.timeout_ms),
            order: pick_of(own, for_tenant, |settings| settings.order).unwrap_or(hook.order),
            fallback: pick_of(own, for_tenant, |settings| settings.fallback).unwrap_or(hook.fallback),
            mode: pick_of(own, for_tenant, |settings| settings.mode).map_or(hook.mode, Mode::from),
            ..hook.clone()
        };
        Some(if settled == *hook { hook } else { intern::meta(settled) })
    }

    /// The tenants the file gives settings of their own for `hook`.
    pub(crate) fn tenants_of(&self, hook: &HookMeta) -> impl Iterator<Item = &str> {
        let tenants = self.file.hook.get(hook.path).and_then(|settings| settings.tenant.as_ref());
        tenants.into_iter().flat_map(|tenants| tenants.get_ref().keys().map(|tenant| tenant.get_ref().as_str()))
    }
}

/// One setting: the tenant's, else the hook's.
fn pick_of<T>(own: &Settings, for_tenant: Option<&Settings>, get: impl Fn(&Settings) -> Option<T>) -> Option<T> {
    for_tenant.and_then(&get).or_else(|| get(own))
}

/// The lock every change of a point's table takes: applying a
/// configuration, registering or removing a hook, building a table on first
/// use. It holds the configuration in force, which every table is built
/// with. Taken before a table's own lock, never after.
pub(crate) fn writer() -> MutexGuard<'static, Writer> {
    static WRITER: Mutex<Writer> = Mutex::new(Writer { config: None });
    WRITER.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The holder of [`writer`]'s lock.
#[derive(Debug)]
pub(crate) struct Writer {
    config: Option<Config>,
}

impl Writer {
    /// The configuration in force.
    pub(crate) fn config(&self) -> &Config {
        static NONE: Config = Config { file: File::EMPTY };
        self.config.as_ref().unwrap_or(&NONE)
    }
}

/// What applying a configuration did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Applied {
    /// The SHA-256 digest of the file's text, in hex.
    pub digest: String,
    /// Each hook whose settings changed, with what it runs with now, e.g.
    /// `acme_hooks::search::eu_only: off` or `…: timeout_ms 200, shadow`.
    pub changed: Vec<String>,
    /// Hook paths the file names that no linked or registered hook has.
    pub unknown_hooks: Vec<String>,
    /// Crates in `disable_crates` that no hook comes from.
    pub unknown_crates: Vec<String>,
    /// Top-level tables that no linked crate registered as a section (see
    /// [`config_section!`](crate::config_section)).
    pub unknown_sections: Vec<String>,
    /// The files the sections read, by section, with their digests.
    pub files: Vec<SectionFile>,
}

/// Reads the file at `path` and applies it; see [`apply_str`]. Relative
/// paths in its sections are read from the file's directory.
///
/// The file is read under the lock that serialises configuration changes:
/// of two applies at once, the one that read its file last installs last,
/// so the newest content of the file wins. A path that is not a regular
/// file (a FIFO, a directory, a device), or a file larger than
/// [`MAX_FILE_BYTES`], is refused unread ([`ConfigError::NotAFile`],
/// [`ConfigError::TooLarge`]).
pub fn apply_file(path: impl AsRef<Path>) -> Result<Applied, ConfigError> {
    let path = path.as_ref();
    let _applying = applying();
    let text = file::read(path).map_err(|error| error.into_config_error(path))?;
    apply_in(&text, &path.display().to_string(), dir_of(path)).0
}

/// The directory relative paths in the file at `path` are read from.
fn dir_of(path: &Path) -> &Path {
    path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Applies the configuration `text` (read from `source`, for errors and the
/// audit line) to every point and every section, replacing the one in
/// force; relative paths in its sections are read from the current
/// directory. Refused whole when it does not parse or says something
/// invalid, or one of its sections is; the refusal is an audit line too.
///
/// A configuration takes effect only once its audit line is written: when
/// the audit log cannot take it, the configuration is refused
/// ([`ConfigError::Unrecorded`]) and the one in force stays, so that no
/// switch (the kill switch above all) is ever in force unrecorded.
pub fn apply_str(text: &str, source: &str) -> Result<Applied, ConfigError> {
    let _applying = applying();
    apply_in(text, source, Path::new(".")).0
}

/// The lock each application of a configuration holds from reading its
/// files to installing it, so that applications happen one after the
/// other, each with what it read: the last to read installs last. Taken
/// before [`writer`], never after.
fn applying() -> MutexGuard<'static, ()> {
    static APPLYING: Mutex<()> = Mutex::new(());
    APPLYING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// [`apply_str`] with relative paths read from `dir`; also returns every
/// file the sections read (for the watcher), applied or refused. The
/// caller holds [`applying`].
fn apply_in(text: &str, source: &str, dir: &Path) -> (Result<Applied, ConfigError>, Vec<FileRead>) {
    let digest = digest(text);
    let refused = |error: ConfigError| {
        // A refusal changes nothing: when even it cannot be recorded, the
        // error says why the configuration was refused, and the log's
        // failure is reported on its own.
        if let Err(unrecorded) = audit(Status::Error, &format!("refused configuration sha256:{digest}: {error}")) {
            tracing::error!(target: "agenthooks::config", "the audit log could not record a refused configuration: {unrecorded}");
        }
        error
    };
    let hooks = every_hook();
    let parsed = File::parse(text, source).and_then(|(file, tables)| {
        file.check_tenants(&hooks, text, source)?;
        Ok((file, tables))
    });
    let (file, tables) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return (Err(refused(error)), Vec::new()),
    };
    let sections = section::registered();
    let mut files = Vec::new();
    let mut commits = Vec::new();
    let mut failed = None;
    for section in &sections {
        let input = SectionInput::new(section, tables.get(section.name()), text, source, dir);
        let prepared = section.prepare(&input);
        files.extend(input.into_files());
        match prepared {
            Ok(commit) => commits.push(commit),
            Err(error) => {
                failed.get_or_insert_with(|| error.into_config_error(section.name()));
            }
        }
    }
    if let Some(error) = failed {
        return (Err(refused(error)), files);
    }
    let unknown_sections =
        tables.keys().filter(|name| !sections.iter().any(|section| section.name() == *name)).cloned().collect();
    let installed = Installed { hooks, digest, commits, unknown_sections, files: &files };
    (install(Config { file }, installed, source), files)
}

/// Removes the configuration in force: every hook runs as it was built,
/// and every section is given an empty table. Like a configuration
/// applied, it takes effect only once its audit line is written
/// ([`ConfigError::Unrecorded`] otherwise, and the configuration in force
/// stays).
pub fn clear() -> Result<Applied, ConfigError> {
    let _applying = applying();
    let sections = section::registered();
    let dir = Path::new(".");
    let commits = sections
        .iter()
        .filter_map(|section| match section.prepare(&SectionInput::new(section, None, "", "", dir)) {
            Ok(commit) => Some(commit),
            Err(error) => {
                let error = error.into_config_error(section.name());
                tracing::error!(target: "agenthooks::config", "a section refused to be cleared: {error}");
                None
            }
        })
        .collect();
    let installed =
        Installed { hooks: every_hook(), digest: digest(""), commits, unknown_sections: Vec::new(), files: &[] };
    install(Config::default(), installed, "no configuration")
}

/// Every hook linked or registered at run time, with the tenants it can
/// run for (`None`: any tenant), bound as the table binds it.
fn every_hook() -> Vec<(&'static HookMeta, Option<Vec<&'static str>>)> {
    let registered = crate::runtime::registered();
    crate::linked_hooks()
        .into_iter()
        .chain(registered)
        .map(|hook| {
            let tenants = match crate::link::reach(hook) {
                Reach::AsDeclared => hook.tenant.map(|tenant| vec![tenant]),
                Reach::Tenants(tenants) => Some(tenants),
                Reach::Nothing => Some(Vec::new()),
            };
            (hook, tenants)
        })
        .collect()
}

/// What a configuration brings besides its hook settings.
struct Installed<'f> {
    /// Every hook, with the tenants it can run for.
    hooks: Vec<(&'static HookMeta, Option<Vec<&'static str>>)>,
    digest: String,
    commits: Vec<Commit>,
    unknown_sections: Vec<String>,
    files: &'f [FileRead],
}

/// Records `config` in the audit log, then puts it in force with its
/// sections' commits; refuses it, changing nothing, when the audit log
/// cannot take the record. The caller holds [`applying`], so the
/// configuration in force cannot change in between.
fn install(config: Config, installed: Installed<'_>, source: &str) -> Result<Applied, ConfigError> {
    let Installed { hooks, digest, commits, unknown_sections, files } = installed;
    let hooks: Vec<&'static HookMeta> = hooks.into_iter().map(|(hook, _)| hook).collect();
    let changed = {
        let writer = writer();
        hooks.iter().filter_map(|hook| change(hook, writer.config(), &config)).collect()
    };
    let applied = Applied {
        changed,
        unknown_hooks: config
            .file
            .hook
            .keys()
            .filter(|path| !hooks.iter().any(|hook| hook.path == *path))
            .cloned()
            .collect(),
        unknown_crates: config
            .file
            .disable_crates
            .iter()
            .map(toml::Spanned::get_ref)
            .filter(|krate| !hooks.iter().any(|hook| hook.crate_name == *krate))
            .cloned()
            .collect(),
        unknown_sections,
        files: files
            .iter()
            .filter_map(|read| {
                Some(SectionFile {
                    section: read.section.to_owned(),
                    path: read.path.clone(),
                    digest: read.digest.clone()?,
                })
            })
            .collect(),
        digest,
    };
    let message = applied_message(&applied, source);
    if !applied.unknown_hooks.is_empty() || !applied.unknown_crates.is_empty() || !applied.unknown_sections.is_empty() {
        tracing::warn!(target: "agenthooks::config", "{message}");
    }
    if let Err(error) = audit(Status::Ok, &message) {
        let error = ConfigError::Unrecorded { digest: applied.digest, error };
        tracing::error!(target: "agenthooks::config", "{error}");
        return Err(error);
    }
    let mut writer = writer();
    writer.config = Some(config);
    crate::table::rebuild_all(&writer);
    for commit in commits {
        commit.run();
    }
    drop(writer);
    Ok(applied)
}

/// The audit line's message of a configuration applied from `source`.
fn applied_message(applied: &Applied, source: &str) -> String {
    let mut message = format!("applied configuration sha256:{} from {source}", applied.digest);
    let files: Vec<String> = applied
        .files
        .iter()
        .map(|file| format!("[{}] {} sha256:{}", file.section, file.path.display(), file.digest))
        .collect();
    for (label, list) in [
        ("changed", &applied.changed),
        ("files", &files),
        ("unknown hooks", &applied.unknown_hooks),
        ("unknown crates", &applied.unknown_crates),
        ("unknown sections", &applied.unknown_sections),
    ] {
        if !list.is_empty() {
            let _ = write!(message, "; {label}: {}", list.join(", "));
        }
    }
    message
}

/// How `hook` runs under `after` if that differs from `before`: `off`, or
/// its settings.
fn change(hook: &'static HookMeta, before: &Config, after: &Config) -> Option<String> {
    let tenants: BTreeSet<&str> = before.tenants_of(hook).chain(after.tenants_of(hook)).collect();
    let scopes = std::iter::once(None).chain(tenants.into_iter().map(Some));
    let changes: BTreeMap<Option<&str>, String> = scopes
        .filter_map(|tenant| {
            let (old, new) = (before.settle(hook, tenant), after.settle(hook, tenant));
            (old != new).then(|| (tenant, new.map_or_else(|| "off".to_owned(), describe)))
        })
        .collect();
    if changes.is_empty() {
        return None;
    }
    let described = changes.into_iter().map(|(tenant, change)| match tenant {
        None => change,
        Some(tenant) => format!("{change} for tenant {tenant}"),
    });
    Some(format!("{}: {}", hook.path, described.collect::<Vec<_>>().join("; ")))
}

fn describe(hook: &HookMeta) -> String {
    let mode = if hook.mode == Mode::Shadow { "shadow" } else { "enforce" };
    format!("on, order {}, timeout_ms {}, fallback {}, {mode}", hook.order, hook.timeout_ms, hook.fallback)
}

/// The SHA-256 digest of `text`, in hex: how the audit line and the
/// watcher name a configuration and the files its sections read.
fn digest(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// Hands the audit line of a configuration applied or refused to the
/// log, as a hook execution's record is: it fails when the log cannot take
/// it, and is written and synced before this returns under
/// [`Durability::Synchronous`](crate::audit::Durability).
fn audit(status: Status, message: &str) -> Result<(), AuditError> {
    static APPLY: HookMeta = HookMeta {
        point: "agenthooks.config",
        name: "apply",
        crate_name: "agenthooks",
        module: "agenthooks::config",
        path: "agenthooks::config::apply",
        tenant: None,
        order: 0,
        timeout_ms: 1,
        fallback: false,
        kind: HookKind::Observer,
        is_async: false,
        mode: Mode::Enforce,
        matchers: &[],
        patterns: None,
        contract: None,
    };
    let session = Session::new("agenthooks.config");
    let execution = crate::Execution {
        hook: &APPLY,
        session: &session,
        status,
        duration: Duration::ZERO,
        message: Some(message),
        changed: crate::Changed::default(),
        approval: None,
        let_through: false,
        attempt: None,
    };
    crate::audit::record(&execution, quanta::Instant::now())
}
