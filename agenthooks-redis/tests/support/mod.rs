//! A real `redis-server` for the tests and the bench: started on a free
//! loopback port with nothing written to disk, stopped when dropped.
//!
//! Every test binary uses a part of this module only.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use agenthooks_redis::RedisStore;

/// The program started, looked up on `PATH`.
const PROGRAM: &str = "redis-server";

/// How long a starting server may take to answer.
const START_DEADLINE: Duration = Duration::from_secs(10);

/// A `redis-server` child process on `127.0.0.1`, killed when dropped.
#[derive(Debug)]
pub(crate) struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
}

impl RedisServer {
    /// A fresh server on a free port; `None` when `redis-server` is not on
    /// `PATH`, after saying so loudly; under `CI=true` a missing server
    /// fails the test instead.
    pub(crate) fn start() -> Option<RedisServer> {
        for _ in 0..5 {
            match Self::try_start_on(free_port()) {
                Ok(server) => return Some(server),
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    let message = format!(
                        "\n!!!!!!!! `{PROGRAM}` is not on PATH: this Redis test did NOT run !!!!!!!!\n\
                         !!!!!!!! install it (Debian: `apt-get install redis-server`)      !!!!!!!!\n"
                    );
                    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
                    eprintln!("{message}");
                    return None;
                }
                // The free port was taken between choosing and binding it.
                Err(_) => {}
            }
        }
        panic!("`{PROGRAM}` did not start on any of five free ports");
    }

    /// A fresh server on `port` (the port of a server stopped earlier).
    pub(crate) fn start_on(port: u16) -> RedisServer {
        Self::try_start_on(port).unwrap_or_else(|error| panic!("`{PROGRAM}` did not start on port {port}: {error}"))
    }

    fn try_start_on(port: u16) -> io::Result<RedisServer> {
        let dir = tempfile::tempdir()?;
        let child = Command::new(PROGRAM)
            .args(["--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--port", &port.to_string()])
            .arg("--dir")
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let mut server = RedisServer { child: Some(child), port, dir };
        server.wait_until_it_answers()?;
        Ok(server)
    }

    /// Waits until the server answers `PING` with `PONG`, or fails if it
    /// exited or is too slow.
    fn wait_until_it_answers(&mut self) -> io::Result<()> {
        let started = Instant::now();
        while started.elapsed() < START_DEADLINE {
            if let Some(status) = self.child.as_mut().and_then(|child| child.try_wait().transpose()) {
                return Err(io::Error::other(format!("`{PROGRAM}` exited at start-up: {}", status?)));
            }
            if ping(self.port).is_ok() {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(20));
        }
        Err(io::Error::new(io::ErrorKind::TimedOut, format!("`{PROGRAM}` did not answer within {START_DEADLINE:?}")))
    }

    /// The server's port.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The server's URL.
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// A store on this server under `namespace`, with the default settings.
    pub(crate) async fn store(&self, namespace: &str) -> RedisStore {
        RedisStore::connect(&self.url(), namespace).await.expect("the test server answers")
    }

    /// A plain connection, to look at what the store wrote.
    pub(crate) async fn raw(&self) -> redis::aio::MultiplexedConnection {
        let client = redis::Client::open(self.url()).expect("the test server's URL is valid");
        client.get_multiplexed_async_connection().await.expect("the test server answers")
    }

    /// Kills the server (as a crash would) and waits until it is gone.
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Killing fails only if it has already exited, as `wait` shows.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port no one listens on now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback has free ports");
    listener.local_addr().expect("a bound listener has an address").port()
}

/// One `PING`, over a plain socket.
fn ping(port: u16) -> io::Result<()> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_millis(500)))?;
    stream.write_all(b"PING\r\n")?;
    let mut answer = [0; 7];
    stream.read_exact(&mut answer)?;
    if &answer == b"+PONG\r\n" {
        Ok(())
    } else {
        Err(io::Error::other("the server is not ready"))
    }
}
