//! Reloading the configuration file while the agent runs.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::section::FileRead;
use super::{apply_in, applying, digest, dir_of, file, Applied, ConfigError};

/// The environment variable naming the configuration file that
/// [`Watcher::from_env`] watches.
pub const CONFIG_ENV: &str = "AGENTHOOKS_CONFIG";

/// Watches a configuration file, and the files its sections read (such as
/// policy files), and applies the configuration whenever one of them
/// changes.
///
/// The files are read every `interval`. A new content is applied once it
/// has stayed the same for one interval, so that a file rewritten in place
/// is never applied half-written (writing a copy and renaming it over the
/// file makes a change take effect at the next read instead). A content
/// that is refused (see [`apply_str`](super::apply_str)) stays refused until one of the files
/// changes again; [`Watcher::last_error`] tells why. Dropping the watcher
/// stops it.
///
/// ```no_run
/// use std::time::Duration;
///
/// let (watcher, applied) = agenthooks::config::Watcher::start("hooks.toml", Duration::from_secs(1))?;
/// println!("hook configuration sha256:{} applied", applied.digest);
/// # drop(watcher);
/// # Ok::<(), agenthooks::config::ConfigError>(())
/// ```
#[derive(Debug)]
pub struct Watcher {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Debug, Default)]
struct Shared {
    stop: Mutex<bool>,
    wake: Condvar,
    last_error: Mutex<Option<String>>,
}

impl Watcher {
    /// Applies the file at `path` now, then watches it. Fails, watching
    /// nothing, when this first application fails.
    pub fn start(path: impl Into<PathBuf>, interval: Duration) -> Result<(Watcher, Applied), ConfigError> {
        let path = path.into();
        let applying = applying();
        let text = read(&path)?;
        let (applied, files) = apply_in(&text, &path.display().to_string(), dir_of(&path));
        drop(applying);
        let applied = applied?;
        let shared = Arc::new(Shared::default());
        let thread = std::thread::Builder::new()
            .name("agenthooks-config".into())
            .spawn({
                let shared = Arc::clone(&shared);
                move || watch(&path, interval, &shared, Contents::of(text, files))
            })
            .map_err(|error| ConfigError::Read { path: PathBuf::new(), error })?;
        Ok((Watcher { shared, thread: Some(thread) }, applied))
    }

    /// Watches the file [`CONFIG_ENV`] names, if it names one.
    pub fn from_env(interval: Duration) -> Result<Option<(Watcher, Applied)>, ConfigError> {
        match std::env::var_os(CONFIG_ENV) {
            Some(path) if !path.is_empty() => Watcher::start(PathBuf::from(path), interval).map(Some),
            _ => Ok(None),
        }
    }

    /// Why the file's current content was refused, if it was.
    pub fn last_error(&self) -> Option<String> {
        self.shared.last_error.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        *self.shared.stop.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    file::read(path).map_err(|error| error.into_config_error(path))
}

/// What the watcher compares: the configuration's text, and the digest
/// of each file its sections read (`None`: unreadable).
#[derive(PartialEq, Eq)]
struct Contents {
    text: String,
    files: Vec<(PathBuf, Option<String>)>,
}

impl Contents {
    /// The contents a configuration was applied, or refused, with.
    fn of(text: String, files: Vec<FileRead>) -> Self {
        Contents { text, files: files.into_iter().map(|file| (file.path, file.digest)).collect() }
    }

    /// The contents now, of the configuration at `path` and of the files
    /// `known` names.
    fn now(path: &Path, known: &Contents) -> Result<Self, ConfigError> {
        let files = known.files.iter().map(|(file, _)| (file.clone(), digest_of(file))).collect();
        Ok(Contents { text: read(path)?, files })
    }
}

/// The digest of the file at `path` as a section reads it (as text).
fn digest_of(path: &Path) -> Option<String> {
    file::read(path).ok().map(|text| digest(&text))
}

/// The watcher's loop: `applied` is what was applied (or refused) last.
fn watch(path: &Path, interval: Duration, shared: &Shared, mut applied: Contents) {
    let mut pending: Option<Contents> = None;
    loop {
        let stop = shared.stop.lock().unwrap_or_else(PoisonError::into_inner);
        let (stop, _) = shared.wake.wait_timeout(stop, interval).unwrap_or_else(PoisonError::into_inner);
        if *stop {
            return;
        }
        drop(stop);
        // Read and applied under one lock: no other application installs
        // between this read and this application.
        let _applying = applying();
        let outcome = match Contents::now(path, &applied) {
            Ok(now) if now == applied => {
                pending = None;
                continue;
            }
            // Changed, and the same as one interval ago: settled.
            Ok(now) if pending.as_ref() == Some(&now) => {
                pending = None;
                let (outcome, files) = apply_in(&now.text, &path.display().to_string(), dir_of(path));
                applied = Contents::of(now.text, files);
                outcome.map(drop)
            }
            Ok(now) => {
                pending = Some(now);
                continue;
            }
            Err(error) => Err(error),
        };
        let error = outcome.err().map(|error| error.to_string());
        let mut last_error = shared.last_error.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(error) = error.as_ref().filter(|error| last_error.as_ref() != Some(*error)) {
            tracing::error!(target: "agenthooks::config", "{error}");
        }
        *last_error = error;
    }
}
