//! One throw-away Redis or Valkey server on a loopback port.
//!
//! Each [`Server`] runs in its own temporary directory on its own port, with persistence off
//! (`--save "" --appendonly no`, unless [`Server::start_with_args`] turns it on), so tests may
//! start as many as they like from parallel threads. A test may freeze and thaw a server
//! (SIGSTOP/SIGCONT), kill it, or kill and restart it on the same port and directory.
//! Dropping the `Server` kills the process, reaps it and deletes the directory.
//!
//! ```no_run
//! use kvcodec_tests::{Server, ServerKind};
//!
//! let server = Server::start(ServerKind::Valkey);
//! let mut con = server.connection();
//! redis::cmd("SET").arg("k").arg("v").exec(&mut con).unwrap();
//! ```

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::kind::ServerKind;
use crate::port::free_ports;

/// How long a server may take to answer PING after it was spawned.
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// How many times to try a fresh port when the chosen one was taken in the meantime.
const START_ATTEMPTS: usize = 5;
/// Lines of the server log quoted in a panic message.
const LOG_TAIL_LINES: usize = 60;

/// A running server process, killed on drop.
#[derive(Debug)]
pub struct Server {
    kind: ServerKind,
    port: u16,
    child: Child,
    args: Vec<String>,
    log_path: PathBuf,
    // Dropped after `child` is killed in `Drop::drop`.
    dir: TempDir,
}

/// Why a launch attempt did not give a ready server.
enum NotReady {
    /// The process exited; its status.
    Exited(ExitStatus),
    /// Something else answered on our port (it was taken between choosing and binding).
    WrongProcess(u32),
    /// No answer within [`READY_TIMEOUT`].
    Timeout,
}

impl Server {
    /// Starts a standalone server of `kind` and waits until it answers PING.
    ///
    /// # Panics
    /// If the binary is missing (run `scripts/setup.sh`), or the server does not become ready
    /// within 10 s; the message quotes the server's log.
    pub fn start(kind: ServerKind) -> Server {
        Server::launch(kind, false, &[])
    }

    /// Like [`Server::start`], with extra command-line arguments for the server appended
    /// (e.g. `&["--maxmemory", "10mb"]`).
    pub fn start_with_args(kind: ServerKind, extra_args: &[&str]) -> Server {
        Server::launch(kind, false, extra_args)
    }

    /// A cluster-enabled node with no slots, for [`Cluster`](crate::Cluster).
    pub(crate) fn start_cluster_node(kind: ServerKind) -> Server {
        Server::launch(kind, true, &[])
    }

    fn launch(kind: ServerKind, cluster: bool, extra_args: &[&str]) -> Server {
        let binary = kind.binary();
        for attempt in 1..=START_ATTEMPTS {
            let dir = tempfile::Builder::new()
                .prefix(&format!("kvcodec-{kind}-"))
                .tempdir()
                .unwrap_or_else(|e| panic!("cannot create a temp dir for {kind}: {e}"));
            let ports = free_ports(if cluster { 2 } else { 1 });
            let port = ports[0];
            let args = server_args(port, dir.path(), cluster.then(|| ports[1]), extra_args);
            let log_path = dir.path().join("server.log");
            let log = File::create(&log_path)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", log_path.display()));
            let log_err = log.try_clone().expect("clone log file handle");
            let child = Command::new(binary)
                .args(&args)
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(log_err)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot spawn {}: {e}", binary.display()));
            let mut server = Server {
                kind,
                port,
                child,
                args: args.clone(),
                log_path,
                dir,
            };
            match server.wait_ready() {
                Ok(()) => return server,
                Err(NotReady::Exited(status)) => {
                    let log = server.log();
                    if log.contains("Address already in use") && attempt < START_ATTEMPTS {
                        continue; // Someone took the port after we chose it: try another.
                    }
                    panic!(
                        "{kind} server on port {port} exited with {status} before answering PING \
                         (attempt {attempt}/{START_ATTEMPTS})\ncommand: {} {}\n--- log ---\n{}",
                        binary.display(),
                        args.join(" "),
                        tail(&log)
                    );
                }
                // Another process owns the port, so ours failed or will: retry on a fresh one.
                Err(NotReady::WrongProcess(_)) if attempt < START_ATTEMPTS => continue,
                Err(NotReady::WrongProcess(pid)) => panic!(
                    "{kind} server on port {port}: expected our process {} to answer, found \
                     process {pid} in {START_ATTEMPTS} attempts",
                    server.pid()
                ),
                Err(NotReady::Timeout) => panic!(
                    "{kind} server on port {port} did not answer PING within {READY_TIMEOUT:?}\n\
                     --- log ---\n{}",
                    tail(&server.log())
                ),
            }
        }
        unreachable!("the last attempt panics or returns")
    }

    /// Polls until the server answers PING and proves (by its process id) that it is ours.
    fn wait_ready(&mut self) -> Result<(), NotReady> {
        let deadline = Instant::now() + READY_TIMEOUT;
        let client = self.client();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(NotReady::Exited(status));
            }
            if let Ok(mut con) = client.get_connection_with_timeout(Duration::from_millis(500)) {
                let _ = con.set_read_timeout(Some(Duration::from_secs(2)));
                let pong: redis::RedisResult<String> = redis::cmd("PING").query(&mut con);
                let info: redis::RedisResult<String> =
                    redis::cmd("INFO").arg("server").query(&mut con);
                if let (Ok(_), Ok(info)) = (pong, info) {
                    let pid = info_field(&info, "process_id").and_then(|p| p.parse::<u32>().ok());
                    return match pid {
                        Some(pid) if pid == self.child.id() => Ok(()),
                        Some(pid) => Err(NotReady::WrongProcess(pid)),
                        None => Ok(()), // No process_id field: trust the answer.
                    };
                }
            }
            if Instant::now() >= deadline {
                return Err(NotReady::Timeout);
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends `signal` (`"STOP"`, `"CONT"`, `"KILL"`, …) to the server process.
    ///
    /// # Panics
    /// If `kill` cannot be run or fails.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap_or_else(|e| panic!("cannot run kill: {e}"));
        assert!(status.success(), "kill -{signal} {} failed", self.pid());
    }

    /// Freezes the server (SIGSTOP): connections are accepted by the kernel, nothing answers.
    pub fn freeze(&self) {
        self.signal("STOP");
    }

    /// Thaws a frozen server (SIGCONT).
    pub fn thaw(&self) {
        self.signal("CONT");
    }

    /// Kills the server with SIGKILL (no shutdown, no final save) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills the server with SIGKILL, then starts it again with the same arguments on the
    /// same port and in the same directory (so with `--appendonly yes` it reloads its AOF),
    /// and waits until it answers PING.
    ///
    /// # Panics
    /// If it does not come back within 10 s.
    pub fn kill_and_restart(&mut self) {
        self.kill();
        let binary = self.kind.binary();
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let log = File::options()
                .append(true)
                .open(&self.log_path)
                .expect("open server log");
            let log_err = log.try_clone().expect("clone log file handle");
            self.child = Command::new(binary)
                .args(&self.args)
                .current_dir(self.dir.path())
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(log_err)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot spawn {}: {e}", binary.display()));
            match self.wait_ready() {
                Ok(()) => return,
                // The port may linger for a moment after the kill: try again.
                Err(NotReady::Exited(_)) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(100));
                }
                Err(_) => panic!(
                    "{} on port {} did not come back after a restart\n--- log ---\n{}",
                    self.kind,
                    self.port,
                    tail(&self.log())
                ),
            }
        }
    }

    /// Which server this is.
    pub fn kind(&self) -> ServerKind {
        self.kind
    }

    /// The TCP port it listens on (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// A client for [`Server::url`].
    pub fn client(&self) -> redis::Client {
        redis::Client::open(self.url()).expect("a redis:// URL with host and port is valid")
    }

    /// A new synchronous connection.
    ///
    /// # Panics
    /// If the server does not accept it within 5 s.
    pub fn connection(&self) -> redis::Connection {
        self.client()
            .get_connection_with_timeout(Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("cannot connect to {} at {}: {e}", self.kind, self.url()))
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's working directory (deleted on drop).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Everything the server has logged so far.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// The text of `INFO section` (e.g. `"server"`, `"cluster"`).
    ///
    /// # Panics
    /// If the command fails.
    pub fn info(&self, section: &str) -> String {
        redis::cmd("INFO")
            .arg(section)
            .query(&mut self.connection())
            .unwrap_or_else(|e| panic!("INFO {section} on {} at {}: {e}", self.kind, self.url()))
    }

    /// The text of `CLUSTER INFO` (`cluster_state:ok`, `cluster_slots_assigned:16384`, …).
    ///
    /// # Panics
    /// If the command fails (e.g. the server is not cluster-enabled).
    pub fn cluster_info(&self) -> String {
        redis::cmd("CLUSTER")
            .arg("INFO")
            .query(&mut self.connection())
            .unwrap_or_else(|e| panic!("CLUSTER INFO on {} at {}: {e}", self.kind, self.url()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Ignore errors: the process may already have exited, and panicking in drop would abort.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The value of `field` in the text of an `INFO` reply (`field:value` lines).
pub fn info_field(info: &str, field: &str) -> Option<String> {
    info.lines().find_map(|line| {
        let (key, value) = line.trim_end_matches('\r').split_once(':')?;
        (key == field).then(|| value.to_owned())
    })
}

fn server_args(
    port: u16,
    dir: &Path,
    cluster_bus_port: Option<u16>,
    extra: &[&str],
) -> Vec<String> {
    let mut args: Vec<String> = [
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--dir",
        &dir.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(bus) = cluster_bus_port {
        for arg in [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            "5000",
            "--cluster-port",
            &bus.to_string(),
        ] {
            args.push(arg.to_owned());
        }
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// The last [`LOG_TAIL_LINES`] lines of `log`.
fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
}
