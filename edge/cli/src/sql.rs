//! `mudrock sql --project P "SELECT …" [--format table|csv|json|parquet] [--output FILE] [--limit N]
//! [--as-of SNAPSHOT|TIME]`.
//!
//! The table format reads the result into memory (column widths need every row), so it shows at most
//! [`TABLE_DEFAULT_LIMIT`] rows unless `--limit` says otherwise; CSV, JSON and Parquet stream batch by
//! batch and have no limit unless one is given. A cut result is always said so, on stderr.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use comfy_table::{CellAlignment, Table, presets};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use futures::StreamExt;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::output;
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_engine::Project;
use mudrock_engine::query::{SqlOptions, SqlStream};
use mudrock_store::lakehouse::AsOf;

/// Rows the table format shows when `--limit` is not given.
pub const TABLE_DEFAULT_LIMIT: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqlFormat {
    /// A table for people (at most 1000 rows unless --limit).
    Table,
    /// CSV with a header line.
    Csv,
    /// A JSON array of objects, nulls included.
    Json,
    /// A Parquet file (zstd): needs --output or a redirected stdout.
    Parquet,
}

pub async fn run(
    project: &Project,
    sql: &str,
    format: SqlFormat,
    out: Option<&Path>,
    limit: Option<usize>,
    as_of: Option<AsOf>,
) -> Result<ExitCode> {
    if format == SqlFormat::Parquet && out.is_none() && std::io::stdout().is_terminal() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "Parquet is binary: write it to a file with --output FILE, or redirect stdout",
        ));
    }
    let limit = match (format, limit) {
        (_, Some(n)) => Some(n),
        (SqlFormat::Table, None) => Some(TABLE_DEFAULT_LIMIT),
        (_, None) => None,
    };
    let options = SqlOptions {
        row_limit: limit,
        as_of,
        ..SqlOptions::default()
    };
    let stream = project.sql(sql.to_owned(), options).await?;
    let (rows, truncated) = match format {
        SqlFormat::Table => print_table(stream, out).await?,
        _ => {
            let sink = Sink::open(out)?;
            write_stream(stream, format, sink).await?
        }
    };
    if truncated {
        eprintln!("note: the result has more than {rows} rows; {rows} are shown (raise --limit to see more)");
    }
    Ok(ExitCode::SUCCESS)
}

/// The result as a text table, on stdout or into the `--output` file.
async fn print_table(mut stream: SqlStream, out: Option<&Path>) -> Result<(usize, bool)> {
    let schema = stream.schema();
    let mut batches = Vec::new();
    while let Some(batch) = stream.next().await {
        batches.push(batch?);
    }
    let rows = stream.rows();
    let mut text = render_table(&schema, &batches)?;
    text.push_str(&format!("{rows} row{}\n", if rows == 1 { "" } else { "s" }));
    match out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| Error::from(e).with_context("output", path.display()))?
        }
        None => output::print(&text)?,
    }
    Ok((rows, stream.is_truncated()))
}

/// A table with a header of column names; numbers right-aligned, nulls empty.
fn render_table(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<String> {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED).set_header(
        schema
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect::<Vec<_>>(),
    );
    for (i, field) in schema.fields().iter().enumerate() {
        if field.data_type().is_numeric()
            && let Some(column) = table.column_mut(i)
        {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let options = FormatOptions::default().with_null("");
    for batch in batches {
        let formatters = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        for row in 0..batch.num_rows() {
            table.add_row(
                formatters
                    .iter()
                    .map(|f| f.value(row).to_string())
                    .collect::<Vec<_>>(),
            );
        }
    }
    let mut text = table.to_string();
    text.push('\n');
    Ok(text)
}

/// Where CSV, JSON or Parquet go: a file, or stdout. A reader of stdout that goes away (`| head`) ends
/// the output quietly.
struct Sink {
    inner: Box<dyn Write + Send>,
    path: Option<PathBuf>,
}

impl Sink {
    fn open(path: Option<&Path>) -> Result<Sink> {
        let inner: Box<dyn Write + Send> = match path {
            Some(p) => Box::new(BufWriter::new(
                File::create(p).map_err(|e| Error::from(e).with_context("output", p.display()))?,
            )),
            None => Box::new(BufWriter::new(std::io::stdout())),
        };
        Ok(Sink {
            inner,
            path: path.map(Path::to_path_buf),
        })
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn is_broken_pipe(err: &Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(err);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return true;
        }
        source = e.source();
    }
    false
}

async fn write_stream(mut stream: SqlStream, format: SqlFormat, sink: Sink) -> Result<(usize, bool)> {
    let schema = stream.schema();
    let path = sink.path.clone();
    let mut writer = FormatWriter::new(format, sink, &schema)?;
    while let Some(batch) = stream.next().await {
        let batch = batch?;
        if let Err(e) = writer.write(&batch) {
            if path.is_none() && is_broken_pipe(&e) {
                return Ok((stream.rows(), stream.is_truncated()));
            }
            return Err(e);
        }
    }
    match writer.finish() {
        Err(e) if path.is_none() && is_broken_pipe(&e) => {}
        other => other?,
    }
    Ok((stream.rows(), stream.is_truncated()))
}

enum FormatWriter {
    Csv(Box<datafusion::arrow::csv::Writer<Sink>>),
    Json(Box<datafusion::arrow::json::Writer<Sink, datafusion::arrow::json::writer::JsonArray>>),
    Parquet(Box<ArrowWriter<Sink>>),
}

impl FormatWriter {
    fn new(format: SqlFormat, sink: Sink, schema: &SchemaRef) -> Result<FormatWriter> {
        Ok(match format {
            SqlFormat::Csv | SqlFormat::Table => FormatWriter::Csv(Box::new(
                datafusion::arrow::csv::WriterBuilder::new()
                    .with_header(true)
                    .build(sink),
            )),
            SqlFormat::Json => FormatWriter::Json(Box::new(
                datafusion::arrow::json::WriterBuilder::new()
                    .with_explicit_nulls(true)
                    .build::<_, datafusion::arrow::json::writer::JsonArray>(sink),
            )),
            SqlFormat::Parquet => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::ZSTD(ZstdLevel::default()))
                    .build();
                FormatWriter::Parquet(Box::new(ArrowWriter::try_new(sink, schema.clone(), Some(props))?))
            }
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        match self {
            FormatWriter::Csv(w) => w.write(batch).map_err(write_error),
            FormatWriter::Json(w) => w.write(batch).map_err(write_error),
            FormatWriter::Parquet(w) => w.write(batch).map_err(Error::from),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            FormatWriter::Csv(w) => {
                let mut sink = w.into_inner();
                sink.flush().map_err(Error::from)
            }
            FormatWriter::Json(mut w) => {
                w.finish().map_err(write_error)?;
                let mut sink = w.into_inner();
                sink.write_all(b"\n")?;
                sink.flush().map_err(Error::from)
            }
            FormatWriter::Parquet(w) => {
                let mut sink = w.into_inner()?;
                sink.flush().map_err(Error::from)
            }
        }
    }
}

/// CSV and JSON writers report I/O failures as Arrow errors; keep the I/O error as the source so a
/// closed pipe is recognised.
fn write_error(err: datafusion::arrow::error::ArrowError) -> Error {
    match err {
        datafusion::arrow::error::ArrowError::IoError(message, io) => Error::new(
            ErrorKind::Unexpected,
            format!("cannot write the result: {message}"),
        )
        .with_source(io),
        other
            if matches!(
                other,
                datafusion::arrow::error::ArrowError::CsvError(_)
                    | datafusion::arrow::error::ArrowError::JsonError(_)
            ) =>
        {
            Error::new(ErrorKind::Unexpected, format!("cannot write the result: {other}"))
        }
        other => Error::from(other),
    }
}
