//! The example stack, built into the binary so that `formula sim` runs with no files at all.

use std::io;
use std::os::unix::fs::PermissionsExt;

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The hook-tool client, compiled on its own by build.rs (empty when it could not be).
mod hook_tool {
    include!(concat!(env!("OUT_DIR"), "/hook_tool.rs"));
}

/// The bytes of the small hook-tool client executable, if this build has one.
pub fn hook_tool() -> Option<&'static [u8]> {
    Some(hook_tool::HOOK_TOOL).filter(|bytes| !bytes.is_empty())
}

/// The `formula new` templates (templates/ of the project).
mod templates {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// The formula-hook crate (the hook API), which a new formula written in Rust carries.
mod hook_crate {
    include!(concat!(env!("OUT_DIR"), "/hook_crate.rs"));
}

/// The files of the formula-hook crate, named as under its directory (`Cargo.toml`,
/// `src/lib.rs`, …).
pub fn hook_crate_files() -> Vec<formula_sdk::scaffold::RenderedFile> {
    use formula_sdk::scaffold::{FileKind, RenderedFile};
    let files = hook_crate::HOOK_CRATES.iter().map(|(path, mode, data)| RenderedFile {
        path: path.to_string(),
        kind: FileKind::File { mode: *mode, text: String::from_utf8_lossy(data).into_owned() },
    });
    let links = hook_crate::HOOK_CRATE_LINKS.iter().map(|(path, target)| RenderedFile {
        path: path.to_string(),
        kind: FileKind::Symlink { target: target.to_string() },
    });
    files.chain(links).collect()
}

/// Every file of templates/, named `TEMPLATE/PATH`.
pub fn template_files() -> Vec<formula_sdk::scaffold::TemplateFile> {
    use formula_sdk::scaffold::{FileKind, TemplateFile};
    let files = templates::TEMPLATES.iter().map(|(path, mode, data)| TemplateFile {
        path: path.to_string(),
        kind: FileKind::File { mode: *mode, text: String::from_utf8_lossy(data).into_owned() },
    });
    let links = templates::TEMPLATE_LINKS.iter().map(|(path, target)| TemplateFile {
        path: path.to_string(),
        kind: FileKind::Symlink { target: target.to_string() },
    });
    files.chain(links).collect()
}

/// Writes the embedded examples into a new temporary directory.
pub fn extract_examples() -> io::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new().prefix("formula-examples-").tempdir()?;
    for (path, mode, contents) in EXAMPLES {
        let target = dir.path().join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, contents)?;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(*mode))?;
    }
    for (path, link) in EXAMPLE_LINKS {
        let target = dir.path().join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::os::unix::fs::symlink(link, &target)?;
    }
    Ok(dir)
}
