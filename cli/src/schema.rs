//! `formula schema`: the JSON Schema of a file the kit reads, for editors.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Args)]
pub struct SchemaArgs {
    /// The file whose schema to print.
    #[arg(value_enum)]
    file: SchemaFile,
    /// Write the schema to this file instead of printing it.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// The files that have a schema.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFile {
    /// A scenario of `formula sim` and `formula test`.
    Scenario,
    /// A formula's metadata.yaml.
    Metadata,
    /// A formula's config.yaml.
    Config,
    /// A formula's actions.yaml.
    Actions,
    /// A Juju bundle.yaml.
    Bundle,
}

impl SchemaFile {
    /// The name on the command line, and of the file `formula new` writes (`NAME.json`).
    pub fn name(self) -> &'static str {
        match self {
            SchemaFile::Scenario => "scenario",
            SchemaFile::Metadata => "metadata",
            SchemaFile::Config => "config",
            SchemaFile::Actions => "actions",
            SchemaFile::Bundle => "bundle",
        }
    }

    /// The schema as `formula schema` prints it: pretty JSON and a final newline.
    pub fn text(self) -> String {
        use formula_sdk::schema::{self, actions, bundle, config, metadata};
        let value = match self {
            SchemaFile::Scenario => simulator::scenario::schema(),
            SchemaFile::Metadata => schema::generate::<metadata::MetadataFile>(),
            SchemaFile::Config => schema::generate::<config::ConfigFile>(),
            SchemaFile::Actions => schema::generate::<actions::ActionsFile>(),
            SchemaFile::Bundle => schema::generate::<bundle::BundleFile>(),
        };
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }
}

pub fn run(args: SchemaArgs) -> Result<u8> {
    let text = args.file.text();
    match &args.output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(0)
}
