//! WebAssembly hooks call the hook tools through two functions the host imports from the
//! module `formula` (the simulator's `runner::wasm` documents the protocol): the request and
//! the response are JSON in linear memory.

use super::{Output, Transport};
use crate::error::{Error, ErrorKind};
use serde::Deserialize;

#[link(wasm_import_module = "formula")]
extern "C" {
    /// Runs the tool the JSON request at `ptr` names; returns the response's length.
    fn tool_call(ptr: *const u8, len: usize) -> usize;
    /// Copies the last response to `ptr`.
    fn tool_response(ptr: *mut u8);
}

/// Calls the host's hook tools.
#[derive(Debug, Default, Clone, Copy)]
pub struct Wasm;

#[derive(Deserialize)]
struct Response {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Transport for Wasm {
    fn call(&mut self, tool: &str, args: &[String]) -> Result<Output, Error> {
        let request = serde_json::json!({"tool": tool, "args": args}).to_string();
        // SAFETY: the host reads `len` bytes at `ptr`, which `request` owns for the call.
        let len = unsafe { tool_call(request.as_ptr(), request.len()) };
        let mut buffer = vec![0u8; len];
        // SAFETY: the host writes exactly the `len` bytes it announced into `buffer`.
        unsafe { tool_response(buffer.as_mut_ptr()) };
        let response: Response = serde_json::from_slice(&buffer)
            .map_err(|e| Error::new(ErrorKind::Transport, tool, format!("bad response from the host: {e}")))?;
        Ok(Output { code: response.code, stdout: response.stdout, stderr: response.stderr })
    }
}
