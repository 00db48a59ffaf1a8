//! The configuration file: its TOML form, and the typed errors of a file
//! that cannot be read or does not say something valid.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::hook::MAX_TIMEOUT_MS;
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
    pub(super) tenant: Option<Spanned<BTreeMap<String, Settings>>>,
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
        let (file, _) = File::parse(
            "disable_crates = [\"globex_hooks\"]\n[hook.\"acme::eu_only\"]\nenabled = false\ntimeout_ms = 20\n[hook.\"acme::eu_only\".tenant.acme]\nmode = \"shadow\"\n",
            "hooks.toml",
        )
        .unwrap();
        assert_eq!(file.disable_crates[0].get_ref(), "globex_hooks");
        let settings = &file.hook["acme::eu_only"];
        assert_eq!((settings.enabled, settings.timeout_ms.as_ref().map(|t| *t.get_ref())), (Some(false), Some(20)));
        assert_eq!(settings.tenant.as_ref().unwrap().get_ref()["acme"].mode, Some(ModeName::Shadow));
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
