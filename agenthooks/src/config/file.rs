//! The configuration file: its TOML form, how it and the files its
//! sections name are read, and the typed errors of a file that cannot be
//! read or does not say something valid.

use std::collections::BTreeMap;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::audit::{AuditError, FileKind};
use crate::hook::{HookMeta, MAX_TIMEOUT_MS};
use crate::policy::Mode;

/// A configuration file, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    /// The kill switch: no hook runs.
    #[serde(default)]
    pub(super) disable_all: bool,
    /// Only the hooks the file names run.
    #[serde(default)]
    pub(super) managed_only: bool,
    /// No hook of these crates runs.
    #[serde(default)]
    pub(super) disable_crates: Vec<Spanned<String>>,
    /// Settings per hook, by its path.
    #[serde(default)]
    pub(super) hook: BTreeMap<String, Settings>,
}

/// What the file says of one hook, for every tenant or for one.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(super) struct Settings {
    pub(super) enabled: Option<bool>,
    pub(super) timeout_ms: Option<Spanned<u64>>,
    pub(super) order: Option<i32>,
    pub(super) fallback: Option<bool>,
    pub(super) mode: Option<ModeName>,
    /// Settings for one tenant's calls, over the hook's own; only at the
    /// hook's level.
    pub(super) tenant: Option<Spanned<BTreeMap<Spanned<String>, Settings>>>,
}

/// A mode as the file spells it.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(super) enum ModeName {
    Enforce,
    Shadow,
}

impl From<ModeName> for Mode {
    fn from(mode: ModeName) -> Self {
        match mode {
            ModeName::Enforce => Mode::Enforce,
            ModeName::Shadow => Mode::Shadow,
        }
    }
}

impl File {
    /// The file that says nothing: every hook as it was built.
    pub(super) const EMPTY: File =
        File { disable_all: false, managed_only: false, disable_crates: Vec::new(), hook: BTreeMap::new() };

    /// Parses and checks `text`, read from `source`: the hook settings, and
    /// the tables left for the sections other crates read (every top-level
    /// table but `hook`).
    pub(super) fn parse<'t>(text: &'t str, source: &str) -> Result<(Self, Tables<'t>), ConfigError> {
        let at = |span: std::ops::Range<usize>, message: String| {
            let (line, column) = position(text, span.start);
            ConfigError::Invalid { origin: source.to_owned(), line, column, message }
        };
        let toml_error = |error: toml::de::Error| {
            let message = error.message().to_owned();
            match error.span() {
                Some(span) => at(span, message),
                None => ConfigError::Invalid { origin: source.to_owned(), line: 1, column: 1, message },
            }
        };
        let mut root = DeTable::parse(text).map_err(toml_error)?;
        let names: Vec<String> = root
            .get_ref()
            .iter()
            .filter(|(key, value)| !FIELDS.contains(&key.get_ref().as_ref()) && value.get_ref().is_table())
            .map(|(key, _)| key.get_ref().to_string())
            .collect();
        let tables = names
            .into_iter()
            .filter_map(|name| root.get_mut().remove_entry(name.as_str()).map(|(_, table)| (name, table)))
            .collect();
        let file = File::deserialize(toml::de::Deserializer::from(root)).map_err(toml_error)?;
        for settings in file.hook.values() {
            settings.check(true).map_err(|(span, message)| at(span, message))?;
        }
        Ok((file, tables))
    }
}

impl File {
    /// Refuses tenant settings for a tenant `hook` can never run for (not
    /// its declared tenant, not in its crate's binding): most likely a
    /// misspelt name, which would otherwise configure nothing. A hook that
    /// runs for every tenant takes any name; one the file names but no
    /// hook has is reported as unknown instead.
    pub(super) fn check_tenants(
        &self,
        hooks: &[(&'static HookMeta, Option<Vec<&'static str>>)],
        text: &str,
        source: &str,
    ) -> Result<(), ConfigError> {
        for (path, settings) in &self.hook {
            let Some(tenants) = &settings.tenant else { continue };
            let named: Vec<&Option<Vec<&str>>> =
                hooks.iter().filter(|(hook, _)| hook.path == *path).map(|(_, runs_for)| runs_for).collect();
            if named.is_empty() || named.iter().any(|runs_for| runs_for.is_none()) {
                continue;
            }
            let mut valid: Vec<&str> = named.into_iter().flatten().flatten().copied().collect();
            valid.sort_unstable();
            valid.dedup();
            if let Some(tenant) = tenants.get_ref().keys().find(|tenant| !valid.contains(&tenant.get_ref().as_str())) {
                let (line, column) = position(text, tenant.span().start);
                return Err(ConfigError::UnknownTenant {
                    origin: source.to_owned(),
                    line,
                    column,
                    hook: path.clone(),
                    tenant: tenant.get_ref().clone(),
                    valid: valid.into_iter().map(str::to_owned).collect(),
                });
            }
        }
        Ok(())
    }
}

/// The largest file the configuration reads, itself or one its sections
/// name (16 MiB): a larger one is refused unread
/// ([`ConfigError::TooLarge`]).
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Why a file the configuration reads was not read.
#[derive(Debug)]
pub(super) enum ReadError {
    Io(io::Error),
    Refused(Refused),
}

/// Why a file the configuration reads was refused unread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refused {
    NotAFile(FileKind),
    TooLarge,
}

impl ReadError {
    /// The error that refuses the configuration file at `path`.
    pub(super) fn into_config_error(self, path: &Path) -> ConfigError {
        match self {
            ReadError::Io(error) => ConfigError::Read { path: path.to_owned(), error },
            ReadError::Refused(refused) => refused.into_config_error(None, path),
        }
    }
}

impl Refused {
    /// The error of the file at `path`, read for `section` (`None`: the
    /// configuration file itself).
    pub(super) fn into_config_error(self, section: Option<&str>, path: &Path) -> ConfigError {
        let (section, path) = (section.map(str::to_owned), path.to_owned());
        match self {
            Refused::NotAFile(kind) => ConfigError::NotAFile { section, path, kind },
            Refused::TooLarge => ConfigError::TooLarge { section, path, limit: MAX_FILE_BYTES },
        }
    }
}

/// Who names a refused file, for its error: nothing for the
/// configuration file itself.
fn named_by(section: Option<&str>) -> String {
    section.map(|section| format!(" (named in section `[{section}]`)")).unwrap_or_default()
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "{error}"),
            ReadError::Refused(Refused::NotAFile(kind)) => write!(f, "it is {kind}, not a regular file"),
            ReadError::Refused(Refused::TooLarge) => write!(f, "it is larger than {MAX_FILE_BYTES} bytes"),
        }
    }
}

/// The text of the file at `path`: a regular file of at most
/// [`MAX_FILE_BYTES`]. A FIFO is refused without waiting for a writer.
pub(super) fn read(path: &Path) -> Result<String, ReadError> {
    let file = crate::audit::open_regular(path).map_err(|error| match error {
        crate::audit::NotOpened::Io(error) => ReadError::Io(error),
        crate::audit::NotOpened::NotAFile(kind) => ReadError::Refused(Refused::NotAFile(kind)),
    })?;
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1).read_to_string(&mut text).map_err(ReadError::Io)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::Refused(Refused::TooLarge));
    }
    Ok(text)
}

/// The top-level tables of a file that are not the hook settings', by name:
/// the sections' parts.
pub(super) type Tables<'t> = BTreeMap<String, Spanned<DeValue<'t>>>;

/// The top-level keys of the hook settings: every other top-level table
/// is a section's.
const FIELDS: [&str; 4] = ["disable_all", "managed_only", "disable_crates", "hook"];

impl Settings {
    /// Checks what serde cannot: the range of `timeout_ms`, and tenants
    /// only at the hook's level.
    fn check(&self, top: bool) -> Result<(), (std::ops::Range<usize>, String)> {
        if let Some(timeout) = &self.timeout_ms {
            if !(1..=MAX_TIMEOUT_MS).contains(timeout.get_ref()) {
                return Err((timeout.span(), format!("`timeout_ms` must be from 1 to {MAX_TIMEOUT_MS} milliseconds")));
            }
        }
        if let Some(tenants) = &self.tenant {
            if !top {
                return Err((
                    tenants.span(),
                    "tenant settings go directly under a hook, not under another tenant".into(),
                ));
            }
            for settings in tenants.get_ref().values() {
                settings.check(false)?;
            }
        }
        Ok(())
    }
}

/// The line and column, both from 1, of byte `offset` of `text`.
pub(super) fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
    (line, column)
}

/// Why a configuration was not applied. The configuration in force before
/// stays in force.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the hook configuration `{}`: {error}", path.display())]
    Read {
        /// The file's path.
        path: PathBuf,
        /// Why.
        #[source]
        error: std::io::Error,
    },
    /// The file is not valid TOML, or says something the configuration
    /// does not have.
    #[error("{origin}:{line}:{column}: {message}; the previous configuration stays in force")]
    Invalid {
        /// The file's path, or what the text came from.
        origin: String,
        /// The line of the problem, from 1.
        line: usize,
        /// The column of the problem, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The configuration file, or a file one of its sections names, is
    /// not a regular file: a FIFO (which would block the reader), a
    /// directory, a device. Nothing was read: name a regular file.
    #[error("`{}`{} is {kind}, not a regular file; name a regular file; the previous configuration stays in force", path.display(), named_by(section.as_deref()))]
    NotAFile {
        /// The section whose table names the file; `None` for the
        /// configuration file itself.
        section: Option<String>,
        /// The file's path.
        path: PathBuf,
        /// What the path is.
        kind: FileKind,
    },
    /// The configuration file, or a file one of its sections names, is
    /// larger than [`MAX_FILE_BYTES`]: it is not the file meant, or was
    /// damaged. Nothing past the limit was read.
    #[error("`{}`{} is larger than {limit} bytes, larger than the configuration reads; name the right file; the previous configuration stays in force", path.display(), named_by(section.as_deref()))]
    TooLarge {
        /// The section whose table names the file; `None` for the
        /// configuration file itself.
        section: Option<String>,
        /// The file's path.
        path: PathBuf,
        /// The largest file read, in bytes.
        limit: u64,
    },
    /// Tenant settings name a tenant the hook never runs for: not its
    /// declared tenant, nor one its crate is bound to. The name is most
    /// likely misspelt; use one of `valid`.
    #[error("{origin}:{line}:{column}: hook `{hook}` never runs for tenant `{tenant}`; it runs for {}; the previous configuration stays in force", if valid.is_empty() { "no tenant in this binary".to_owned() } else { valid.iter().map(|tenant| format!("`{tenant}`")).collect::<Vec<_>>().join(", ") })]
    UnknownTenant {
        /// The file's path, or what the text came from.
        origin: String,
        /// The line of the tenant's settings, from 1.
        line: usize,
        /// The column of the tenant's settings, from 1.
        column: usize,
        /// The hook, by its path.
        hook: String,
        /// The tenant as the file spells it.
        tenant: String,
        /// The tenants the hook runs for, sorted (none when it runs for
        /// no call in this binary).
        valid: Vec<String>,
    },
    /// The audit log could not record the configuration, so it was not
    /// applied: a switch that is not recorded must not take effect. The
    /// previous configuration stays in force; fix the audit log (see the
    /// error) and apply it again.
    #[error("the configuration sha256:{digest} was not applied: the audit log could not record it: {error}; the previous configuration stays in force")]
    Unrecorded {
        /// The SHA-256 digest of the configuration's text, in hex.
        digest: String,
        /// Why the audit log could not take the record.
        #[source]
        error: AuditError,
    },
    /// A section another crate reads (such as `[cedar]`) is invalid, or a
    /// file it names cannot be read or is invalid: fix it at the place
    /// given, in the configuration file or in the file named.
    #[error(
        "{origin}:{line}:{column}: in section `[{section}]`: {message}; the previous configuration stays in force"
    )]
    Section {
        /// The section's name.
        section: String,
        /// The file the problem is in: the configuration file, or a file
        /// the section names.
        origin: String,
        /// The line of the problem, from 1.
        line: usize,
        /// The column of the problem, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(text: &str) -> (usize, usize, String) {
        match File::parse(text, "hooks.toml").map(|(file, _)| file) {
            Err(ConfigError::Invalid { line, column, message, .. }) => (line, column, message),
            other => panic!("expected an invalid file, got {other:?}"),
        }
    }

    #[test]
    fn a_file_parses_into_its_settings() {
        let text = "disable_crates = [\"globex_hooks\"]\n[hook.\"acme::eu_only\"]\nenabled = false\ntimeout_ms = 20\n[hook.\"acme::eu_only\".tenant.acme]\nmode = \"shadow\"\n";
        let (file, _) = File::parse(text, "hooks.toml").unwrap();
        assert_eq!(file.disable_crates[0].get_ref(), "globex_hooks");
        let settings = &file.hook["acme::eu_only"];
        assert_eq!((settings.enabled, settings.timeout_ms.as_ref().map(|t| *t.get_ref())), (Some(false), Some(20)));
        assert_eq!(settings.tenant.as_ref().unwrap().get_ref()["acme"].mode, Some(ModeName::Shadow));
        let tenant = settings.tenant.as_ref().unwrap().get_ref().keys().next().unwrap();
        assert_eq!(position(text, tenant.span().start), (5, 30), "a tenant's settings are found by its name");
    }

    #[test]
    fn errors_name_the_line_and_column() {
        assert_eq!(invalid("[hook.\"a::b\"]\ntimeout_ms = 0\n").0, 2);
        let (line, column, message) = invalid("[hook.\"a::b\"]\nmode = \"loud\"\n");
        assert_eq!((line, column), (2, 8), "{message}");
        let (line, _, message) = invalid("disable_all = true\n[hook.\"a::b\"]\ntimeot_ms = 5\n");
        assert_eq!(line, 3);
        assert!(message.contains("timeot_ms"), "{message}");
        assert_eq!(invalid("[hook.\"a::b\".tenant.x.tenant.y]\norder = 1\n").0, 1);
        assert_eq!(invalid("disable_all = \n").0, 1);
    }
}
