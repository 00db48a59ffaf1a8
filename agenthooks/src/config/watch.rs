//! Reloading the configuration file while the agent runs.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{apply_str, Applied, ConfigError};

/// The environment variable naming the configuration file that
/// [`Watcher::from_env`] watches.
pub const CONFIG_ENV: &str = "AGENTHOOKS_CONFIG";

/// Watches a configuration file and applies it whenever it changes.
///
/// The file is read every `interval`. A new content is applied once it has
/// stayed the same for one interval, so that a file rewritten in place is
/// never applied half-written (writing a copy and renaming it over the file
/// makes a change take effect at the next read instead). A content that is
/// refused (see [`apply_str`]) stays refused until the file changes again;
/// [`Watcher::last_error`] tells why. Dropping the watcher stops it.
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
        let text = read(&path)?;
        let applied = apply_str(&text, &path.display().to_string())?;
        let shared = Arc::new(Shared::default());
        let thread = std::thread::Builder::new()
            .name("agenthooks-config".into())
            .spawn({
                let shared = Arc::clone(&shared);
                move || watch(&path, interval, &shared, text)
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
    std::fs::read_to_string(path).map_err(|error| ConfigError::Read { path: path.to_owned(), error })
}

/// The watcher's loop: `applied` is the text in force.
fn watch(path: &Path, interval: Duration, shared: &Shared, mut applied: String) {
    let mut pending: Option<String> = None;
    loop {
        let stop = shared.stop.lock().unwrap_or_else(PoisonError::into_inner);
        let (stop, _) = shared.wake.wait_timeout(stop, interval).unwrap_or_else(PoisonError::into_inner);
        if *stop {
            return;
        }
        drop(stop);
        let outcome = match read(path) {
            Ok(text) if text == applied => {
                pending = None;
                continue;
            }
            // Changed, and the same as one interval ago: settled.
            Ok(text) if pending.as_ref() == Some(&text) => {
                pending = None;
                let outcome = apply_str(&text, &path.display().to_string()).map(drop);
                applied = text;
                outcome
            }
            Ok(text) => {
                pending = Some(text);
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
