//! The project's documents and comments cite `docs/juju-contract.md` by section ("spec §6.2");
//! a citation whose section is gone or renumbered would send a reader nowhere.

use crate::support::repo;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Directories that hold no text of ours.
const NOT_OURS: [&str; 3] = ["target", ".git", "node_modules"];

#[test]
fn every_section_cited_is_a_heading_of_the_contract() {
    let root = repo();
    let contract = std::fs::read_to_string(root.join("docs/juju-contract.md")).expect("docs/juju-contract.md");
    let headings = section_numbers(&contract);
    assert!(headings.contains("6.1") && headings.contains("4.3"), "{headings:?}");
    let mut files = Vec::new();
    text_files(&root, &mut files);
    assert!(files.len() > 50, "found only {} files under {}", files.len(), root.display());
    let mut cited = 0;
    let mut dangling = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        for (line_number, line) in text.lines().enumerate() {
            for section in cited_sections(line) {
                cited += 1;
                if !headings.contains(&section) {
                    let shown = file.strip_prefix(&root).unwrap_or(&file).display().to_string();
                    dangling.push(format!("{shown}:{}: §{section}", line_number + 1));
                }
            }
        }
    }
    assert!(cited > 40, "only {cited} citations found: is the scan looking in the right place?");
    assert!(dangling.is_empty(), "sections cited but not in docs/juju-contract.md:\n{}", dangling.join("\n"));
}

#[test]
fn the_scan_reads_citations_as_written() {
    assert_eq!(cited_sections("spec §6.3 and §6.4):"), ["6.3", "6.4"]);
    assert_eq!(cited_sections("(spec §4.3.) then"), ["4.3"]);
    assert_eq!(cited_sections("§6.3.5, item 5"), ["6.3.5"]);
    assert!(cited_sections("no citation § here").is_empty());
    let headings =
        section_numbers("# Title\n## 6 Scheduling\n### 6.1 The model\n#### 6.3.5 Leadership\n## Not numbered\n");
    assert_eq!(headings, BTreeSet::from(["6".to_string(), "6.1".to_string(), "6.3.5".to_string()]));
}

/// The numbers of the numbered headings (`## 6`, `### 6.1`, `#### 6.3.5`).
fn section_numbers(markdown: &str) -> BTreeSet<String> {
    markdown
        .lines()
        .filter_map(|line| line.strip_prefix('#'))
        .map(|rest| rest.trim_start_matches('#').trim_start())
        .filter_map(|title| title.split_whitespace().next())
        .filter(|number| number.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(|number| number.trim_end_matches('.').to_string())
        .collect()
}

/// The section numbers after each `§` on a line (a trailing `.` ends a sentence, not a number).
fn cited_sections(line: &str) -> Vec<String> {
    line.split('§')
        .skip(1)
        .filter_map(|after| {
            let number: String = after.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let number = number.trim_end_matches('.');
            (!number.is_empty()).then(|| number.to_string())
        })
        .collect()
}

/// Every `.rs` and `.md` file under `dir`, outside build output.
fn text_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            if !NOT_OURS.contains(&name.as_str()) {
                text_files(&path, out);
            }
        } else if name.ends_with(".rs") || name.ends_with(".md") {
            out.push(path);
        }
    }
}
