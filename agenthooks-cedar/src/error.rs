//! What can go wrong loading policies, and building one request.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a policy text or file could not be loaded. The policies loaded before
/// stay in force.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read: check the path and its permissions.
    #[error("cannot read the policy file `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why reading failed.
        source: io::Error,
    },
    /// The path names no regular file (a directory, a FIFO, a device):
    /// name the policy file itself. Nothing is read from it, so a FIFO that
    /// no one writes to cannot hold a reload up.
    #[error("`{}` is not a regular file: name the policy file itself", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// The text is not valid Cedar: fix it at the place given (1-based line
    /// and column, as Cedar reports it).
    #[error("{at}: {message}{}", more_errors(*more))]
    Parse {
        /// Where: the file (or `<text>`), line and column.
        at: Position,
        /// Cedar's message for the first error.
        message: String,
        /// How many more errors Cedar found after the first.
        more: usize,
    },
    /// A policy has no `@id("...")` annotation: give it one, so that the
    /// audit log names it the same way after every edit of the file.
    #[error("{origin}: policy number {number} has no `@id(\"...\")` annotation: give every policy a stable id")]
    MissingId {
        /// The file, or `<text>`.
        origin: String,
        /// Its place in the text, counting from 1.
        number: usize,
    },
    /// Two policies share an `@id`: rename one.
    #[error("{origin}: two policies have the id `{id}`: give each policy its own `@id`")]
    DuplicateId {
        /// The file, or `<text>`.
        origin: String,
        /// The shared id.
        id: String,
    },
    /// The text holds a template (a policy with `?principal` or
    /// `?resource`): write static policies instead; templates need links
    /// this crate does not make.
    #[error("{origin}: template `{id}` cannot be used: write static policies (templates need links)")]
    Template {
        /// The file, or `<text>`.
        origin: String,
        /// The template's id.
        id: String,
    },
}

/// What a parse error adds after its first message: how many more errors.
pub(crate) fn more_errors(more: usize) -> String {
    match more {
        0 => String::new(),
        1 => " (and 1 more error)".to_owned(),
        more => format!(" (and {more} more errors)"),
    }
}

/// A place in a policy text: `origin:line:column`, both counted from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    /// The file the text came from, or `<text>`.
    pub origin: String,
    /// The line, from 1.
    pub line: usize,
    /// The column, in characters, from 1.
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` of `text`.
    pub(crate) fn of(origin: &str, text: &str, offset: usize) -> Self {
        let before = text.get(..offset).unwrap_or(text);
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        Position {
            origin: origin.to_owned(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.origin, self.line, self.column)
    }
}

/// Why a call could not be put to the policies. A hook that uses
/// [`Policies::check`](crate::Policies::check) blocks the call with it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The resource's type is not a Cedar type name (`Tool`,
    /// `Files::Folder`): fix the name the hook passes.
    #[error("`{type_name}` is not a Cedar entity type name")]
    ResourceType {
        /// The name given.
        type_name: String,
    },
    /// The context could not be serialized: its `Serialize` impl failed.
    #[error("the context cannot be serialized: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The context is not a record Cedar accepts: give a struct or map whose
    /// values are strings, booleans, integers, or lists and records of
    /// those (Cedar has no floating-point numbers).
    #[error("the context is not a Cedar record: {0}")]
    Context(#[source] Box<cedar_policy::ContextJsonError>),
    /// The session's principal and tenant could not be made Cedar
    /// entities (Cedar rejected the entity store).
    #[error("the session cannot be made a Cedar principal: {0}")]
    Principal(#[source] Box<cedar_policy::entities_errors::EntitiesError>),
    /// The set is one of the configuration ([`Policies::configured`]) and
    /// no configuration applied names it: name its policy file under
    /// `[cedar]` in the configuration file.
    ///
    /// [`Policies::configured`]: crate::Policies::configured
    #[error("no configuration names the policy set `{name}`: add `{name} = \"<policy file>\"` under `[cedar]` in the configuration file")]
    Unconfigured {
        /// The set's name.
        name: String,
    },
}
