//! Sections of the configuration file that other crates read: a crate
//! registers a named section (the table `[cedar]`, say) with
//! [`config_section!`](crate::config_section), and every configuration
//! applied is offered to it, so that what that crate loads (policy files)
//! is named in the same file, reloaded with it and refused with it.
//!
//! Applying a configuration is two steps. First every registered section
//! is *prepared*: it reads its table, and the files the table names
//! (relative paths from the configuration file's directory), and checks
//! them, changing nothing. Only when every section and the hook settings
//! are valid is each section's [`Commit`] run, right after the hook
//! settings are swapped in. One invalid section refuses the whole file
//! ([`ConfigError::Section`](super::ConfigError::Section), with the file,
//! line and column), and the hook settings and every section's state in
//! force stay.
//!
//! A section absent from the file is prepared too, as an empty table:
//! a configuration is applied whole, so what the file no longer names is
//! no longer configured. A table that no linked crate registered is
//! reported in [`Applied::unknown_sections`](super::Applied), the audit
//! line and a warning, as unknown hook names are.

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use super::file::{position, ReadError, Refused};
use super::{digest, ConfigError};

/// A section of the configuration file, registered by the crate that reads
/// it with [`config_section!`](crate::config_section).
pub struct Section {
    name: &'static str,
    prepare: Prepare,
}

/// What a section does with its part of a configuration: checks it and
/// returns what to do once the whole configuration is accepted.
pub type Prepare = fn(&SectionInput<'_>) -> Result<Commit, SectionError>;

inventory::collect!(Section);

impl Section {
    /// The section `[name]`, read by `prepare`.
    pub const fn new(name: &'static str, prepare: Prepare) -> Self {
        Section { name, prepare }
    }

    /// The section's name: its table in the file.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Prepares the section's part of a configuration.
    pub(super) fn prepare(&self, input: &SectionInput<'_>) -> Result<Commit, SectionError> {
        (self.prepare)(input)
    }
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Section").field("name", &self.name).finish_non_exhaustive()
    }
}

/// The sections linked into this binary, by name.
pub(super) fn registered() -> Vec<&'static Section> {
    let mut sections: Vec<&'static Section> = inventory::iter::<Section>.into_iter().collect();
    sections.sort_by_key(|section| section.name);
    sections
}

/// What a section's prepared configuration does once the whole
/// configuration is accepted: swap in what it loaded. It runs under the
/// lock that serialises configuration changes, so it must be quick and
/// must not apply a configuration itself.
pub struct Commit(Box<dyn FnOnce() + Send>);

impl Commit {
    /// A commit that runs `commit`.
    pub fn new(commit: impl FnOnce() + Send + 'static) -> Self {
        Commit(Box::new(commit))
    }

    pub(super) fn run(self) {
        (self.0)();
    }
}

impl fmt::Debug for Commit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Commit")
    }
}

/// One section's part of a configuration being applied, as its
/// [`Prepare`] function sees it.
pub struct SectionInput<'a> {
    name: &'static str,
    value: Option<&'a Spanned<DeValue<'a>>>,
    text: &'a str,
    source: &'a str,
    dir: &'a Path,
    files: RefCell<Vec<FileRead>>,
}

/// A file a section read, and the SHA-256 digest of its content (`None`
/// when it could not be read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FileRead {
    pub(super) section: &'static str,
    pub(super) path: PathBuf,
    pub(super) digest: Option<String>,
}

impl<'a> SectionInput<'a> {
    pub(super) fn new(
        section: &'static Section,
        value: Option<&'a Spanned<DeValue<'a>>>,
        text: &'a str,
        source: &'a str,
        dir: &'a Path,
    ) -> Self {
        SectionInput { name: section.name, value, text, source, dir, files: RefCell::default() }
    }

    /// The section's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Whether the file has the section's table.
    pub fn is_present(&self) -> bool {
        self.value.is_some()
    }

    /// The section's table as `T` (an empty table when the file has
    /// none); an error names the line and column in the configuration file.
    pub fn settings<T: DeserializeOwned>(&self) -> Result<T, SectionError> {
        let value = self.value.cloned().unwrap_or_else(|| Spanned::new(0..0, DeValue::Table(DeTable::new())));
        T::deserialize(ValueDeserializer::from(value)).map_err(|error| {
            let (line, column) = position(self.text, error.span().map_or(0, |span| span.start));
            SectionError::at(self.source, line, column, error.message())
        })
    }

    /// The file at `path`, relative to the configuration file's directory
    /// unless absolute: its path as resolved and its text. Every file read
    /// this way is named, with its digest, in the configuration's audit
    /// line, and watched by the [`Watcher`](super::Watcher). A path that
    /// is not a regular file (a FIFO, a directory, a device), or a file
    /// larger than [`MAX_FILE_BYTES`](super::MAX_FILE_BYTES), is refused
    /// unread.
    pub fn read(&self, path: &str) -> Result<(PathBuf, String), SectionError> {
        let resolved = self.dir.join(path);
        let read = super::file::read(&resolved);
        self.files.borrow_mut().push(FileRead {
            section: self.name,
            path: resolved.clone(),
            digest: read.as_ref().ok().map(|text| digest(text)),
        });
        match read {
            Ok(text) => Ok((resolved, text)),
            Err(error) => {
                let mut refused = self.error_at(None, format!("cannot read `{}`: {error}", resolved.display()));
                if let ReadError::Refused(why) = error {
                    refused.refused = Some((resolved, why));
                }
                Err(refused)
            }
        }
    }

    /// An error positioned in the configuration file: at `key` of the
    /// section's table, or at the table itself (`None`, or a key it lacks).
    pub fn error_at(&self, key: Option<&str>, message: impl Into<String>) -> SectionError {
        let table = self.value.and_then(|value| value.get_ref().as_table());
        let at = key.and_then(|key| table?.get(key)).or(self.value).map_or(0, |value| value.span().start);
        let (line, column) = position(self.text, at);
        SectionError::at(self.source, line, column, message)
    }

    pub(super) fn into_files(self) -> Vec<FileRead> {
        self.files.into_inner()
    }
}

impl fmt::Debug for SectionInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SectionInput")
            .field("name", &self.name)
            .field("present", &self.is_present())
            .field("source", &self.source)
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// Why a section refused its part of a configuration: where (a file and a
/// line and column in it, both from 1) and what is wrong. The whole
/// configuration is refused with it, as
/// [`ConfigError::Section`](super::ConfigError::Section).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionError {
    origin: String,
    line: usize,
    column: usize,
    message: String,
    /// The file [`SectionInput::read`] refused unread, and why.
    refused: Option<(PathBuf, Refused)>,
}

impl SectionError {
    /// An error at `line` and `column` (from 1) of `origin`: the
    /// configuration file, or a file the section read.
    pub fn at(origin: impl Into<String>, line: usize, column: usize, message: impl Into<String>) -> Self {
        SectionError { origin: origin.into(), line, column, message: message.into(), refused: None }
    }

    pub(super) fn into_config_error(self, section: &str) -> ConfigError {
        let SectionError { origin, line, column, message, refused } = self;
        match refused {
            Some((path, why)) => why.into_config_error(Some(section), &path),
            None => ConfigError::Section { section: section.to_owned(), origin, line, column, message },
        }
    }
}

/// A file as the configuration's sections name it: the section, the path
/// and the SHA-256 digest of its content when applied.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SectionFile {
    /// The section that read it.
    pub section: String,
    /// Its path, as resolved from the configuration file's directory.
    pub path: PathBuf,
    /// The SHA-256 digest of its content, in hex.
    pub digest: String,
}
