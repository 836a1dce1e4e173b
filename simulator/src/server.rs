//! The hook-tool server: a unix socket whose calls reach the engine thread.
//!
//! Each connection is read on a thread of its own and handed to the engine over a channel
//! with a reply channel; the engine answers calls one at a time, as Juju's jujuc server does
//! (its calls are serialised). The exit of a hook's process comes through the same channel,
//! so the engine waits on one thing.

use crate::wire::{self, Request, Response};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};

/// What the engine waits for while a hook runs.
pub enum ServerEvent {
    /// A tool call and where to send its answer.
    Call(Request, Sender<Response>),
    /// A hook process ended: (hook serial, exit code; 128+N for signal N).
    Exited(u64, i32),
}

/// The listening socket and the channel its calls arrive on.
pub struct ToolServer {
    /// The socket's path.
    pub socket: PathBuf,
    /// Where events arrive.
    pub events: Receiver<ServerEvent>,
    /// A sender for process waiters.
    pub sender: Sender<ServerEvent>,
}

impl ToolServer {
    /// Listens on `socket`.
    pub fn start(socket: &Path) -> std::io::Result<ToolServer> {
        let _ = std::fs::remove_file(socket);
        let listener = UnixListener::bind(socket)?;
        let (sender, events) = channel();
        let accept_sender = sender.clone();
        std::thread::Builder::new().name("tool-server".into()).spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let sender = accept_sender.clone();
                let _ = std::thread::Builder::new().name("tool-call".into()).spawn(move || {
                    let Ok(request) = wire::read_request(&mut std::io::BufReader::new(&stream)) else {
                        return;
                    };
                    let (reply, answer) = channel();
                    if sender.send(ServerEvent::Call(request, reply)).is_err() {
                        return;
                    }
                    let response = answer.recv().unwrap_or(Response {
                        code: 1,
                        stdout: Vec::new(),
                        stderr: b"ERROR simulator stopped\n".to_vec(),
                    });
                    let _ = wire::write_response(&mut stream, &response);
                });
            }
        })?;
        Ok(ToolServer { socket: socket.to_path_buf(), events, sender })
    }
}
