//! Running Python snippets, for interop tests against Valkey GLIDE's Python client.
//!
//! The interpreter is `$PYTHON` if set, else `python3`. `scripts/setup.sh` installs the
//! packages the interop tests import (`valkey-glide==2.6.0`, `zstandard`, `lz4`).
//!
//! ```
//! let out = kvcodec_tests::run_python("import sys; print(int(sys.argv[1]) * 2)", &["21"]);
//! assert_eq!(out.trim(), "42");
//! ```

use std::env;
use std::io::Write;
use std::process::{Command, Stdio};

/// The Python interpreter to run: `$PYTHON`, else `python3`.
pub fn python_binary() -> String {
    env::var("PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".to_owned())
}

/// Runs `script` (fed on standard input, so it may be long and span lines) with `args` as
/// `sys.argv[1..]`, and returns its standard output.
///
/// # Panics
/// If the interpreter cannot start or the script exits non-zero; the message carries the exit
/// status, the script's standard error and its standard output.
pub fn run_python(script: &str, args: &[&str]) -> String {
    String::from_utf8(run_python_bytes(script, args)).unwrap_or_else(|e| {
        panic!(
            "python script printed non-UTF-8 output ({e}); use run_python_bytes for binary output"
        )
    })
}

/// Like [`run_python`], but returns standard output as raw bytes (for scripts that write
/// binary data to `sys.stdout.buffer`).
pub fn run_python_bytes(script: &str, args: &[&str]) -> Vec<u8> {
    let python = python_binary();
    let mut child = Command::new(&python)
        .arg("-")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{python}`: {e}; run ./scripts/setup.sh"));
    // Feed the script from a thread so a script that prints a lot before reading all of its
    // input cannot deadlock against us.
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let source = script.to_owned();
    let feeder = std::thread::spawn(move || stdin.write_all(source.as_bytes()));
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for `{python}`: {e}"));
    feeder
        .join()
        .expect("stdin feeder thread panicked")
        .unwrap_or_else(|e| panic!("writing the script to `{python}`: {e}"));
    if !output.status.success() {
        panic!(
            "python script failed: expected exit status 0, found {}\n--- stderr ---\n{}\n--- stdout ---\n{}\n--- script ---\n{script}",
            output.status,
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout),
        );
    }
    output.stdout
}

/// Whether `python3` can import `module` (e.g. `"glide"`), for a test that wants to state a
/// clear precondition before running a longer script.
pub fn python_has_module(module: &str) -> bool {
    Command::new(python_binary())
        .args([
            "-c",
            "import importlib, sys; importlib.import_module(sys.argv[1])",
            module,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
