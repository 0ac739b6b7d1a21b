use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A child process with its output captured. It runs in its own process group (so the functions
/// `cargo lambda watch` starts go down with it) under a watchdog that kills the group if this test
/// process exits without dropping the handle (a shared server in a `static`, or an abort).
pub struct Process {
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
}

/// `sh -c WATCHDOG guard OWNER_PID PROGRAM ARGS...`: run the program in the background and kill the
/// whole group as soon as the owner is gone; exit when the program exits.
const WATCHDOG: &str = r#"owner=$1; shift
"$@" &
child=$!
while kill -0 "$owner" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done
env kill -TERM -- -$$ 2>/dev/null"#;

impl Process {
    pub fn spawn(name: &str, command: Command) -> Process {
        let mut guarded = Command::new("sh");
        guarded
            .arg("-c")
            .arg(WATCHDOG)
            .arg(name)
            .arg(std::process::id().to_string())
            .arg(command.get_program())
            .args(command.get_args())
            .envs(command.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        if let Some(dir) = command.get_current_dir() {
            guarded.current_dir(dir);
        }
        let mut child = guarded
            .spawn()
            .unwrap_or_else(|e| panic!("{name} did not start: {e}"));
        let output = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = Arc::clone(&output);
            std::thread::spawn(move || copy_into(stream, &output));
        }
        Process { child, output }
    }

    /// stdout and stderr so far, interleaved as they arrived.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }
}

fn copy_into(mut stream: Box<dyn Read + Send>, output: &Mutex<Vec<u8>>) {
    let mut buffer = [0u8; 8192];
    while let Ok(n) = stream.read(&mut buffer) {
        if n == 0 {
            break;
        }
        output.lock().unwrap().extend_from_slice(&buffer[..n]);
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // The group id is the shell's pid (process_group(0)).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}
