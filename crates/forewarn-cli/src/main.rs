//! The `forewarn` command: parses flags, builds the engine once, streams inputs through it in
//! parallel (order kept), and picks a printer. Exit codes follow grep: `scan` 0 after reporting,
//! `check` 0 when clear and 1 when not; 2 whenever an input failed or the command was misused.

mod args;
mod sources;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Parser;
use rayon::prelude::*;

use args::{CheckArgs, Cli, ColorChoice, Command, EvalArgs, InputArgs, InputFormatArg, OutputFormat, ScanArgs, ServeArgs};
use forewarn::eval;
use forewarn::ingest::InputFormat;
use forewarn::report::{ao3, human, machine};
use forewarn::{Document, Engine, Error, Profile, Report, ReportOptions, Severity, Taxonomy};
use sources::{SourceOptions, Unit};

/// Works processed together in parallel before their output is written in order.
const CHUNK: usize = 64;

fn main() -> ExitCode {
    // A panic message may quote input text (e.g. a string slice); print only where it happened.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("forewarn: internal error{at}; please report it (the input text is not shown)");
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(a) => scan(a),
        Command::Check(a) => check(a),
        Command::Labels { json } => labels(json),
        Command::Eval(a) => run_eval(a),
        Command::Serve(a) => serve(a),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("forewarn: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

fn source_options(a: &InputArgs) -> SourceOptions {
    let forced = a.input_format.map(|f| match f {
        InputFormatArg::Text => InputFormat::Text,
        InputFormatArg::Markdown => InputFormat::Markdown,
        InputFormatArg::Html => InputFormat::Html,
        InputFormatArg::Epub => InputFormat::Epub,
        InputFormatArg::Jsonl => InputFormat::Jsonl,
    });
    SourceOptions { forced, max_bytes: a.max_size_mib.saturating_mul(1 << 20) }
}

fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        b = b.num_threads(n);
    }
    Ok(b.build()?)
}

/// Totals of a batch, printed to stderr at the end of a run over several works.
#[derive(Default)]
struct Summary {
    works: usize,
    flagged: usize,
    failed: usize,
    labels: std::collections::BTreeMap<String, usize>,
}

/// Streams every work of `input` through `engine` in parallel chunks, calling `emit` in input order.
fn for_each_work(
    input: &InputArgs,
    mut emit: impl FnMut(Result<(Document, Vec<forewarn::Finding>), Error>) -> anyhow::Result<()>,
    engine: &Engine,
) -> anyhow::Result<()> {
    let opts = source_options(input);
    let pool = thread_pool(input.threads)?;
    let mut units = sources::expand(&input.paths).into_iter().flat_map(move |p| -> Box<dyn Iterator<Item = Unit> + Send> {
        match p {
            Ok(path) => sources::units(&path, opts),
            Err(e) => Box::new(std::iter::once(Unit::Failed(e))),
        }
    });
    loop {
        let chunk: Vec<Unit> = units.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        let results: Vec<_> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|u| {
                    let id = u.id();
                    // One work that trips a bug must not take the batch down with it.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let doc = sources::ingest_unit(u)?;
                        let findings = engine.findings(&doc);
                        Ok((doc, findings))
                    }))
                    .unwrap_or_else(|_| Err(Error::new(forewarn::ErrorKind::Malformed, "internal error while reading this work; skipped").at(id)))
                })
                .collect()
        });
        for r in results {
            emit(r)?;
        }
    }
}

fn color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn scan(a: ScanArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::default();
    let taxonomy = Taxonomy::builtin();
    let opts = ReportOptions { spoiler_free: a.spoiler_free, include_text: false };
    let human_opts = human::HumanOptions { color: color(a.color) };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    let started = Instant::now();
    for_each_work(
        &a.input,
        |r| {
            match r {
                Ok((doc, findings)) => {
                    let report = Report::new(&doc, &findings, engine.detector_name(), taxonomy, opts);
                    summary.works += 1;
                    summary.flagged += usize::from(!report.labels.is_empty());
                    for l in &report.labels {
                        *summary.labels.entry(l.label.clone()).or_default() += 1;
                    }
                    match a.format {
                        OutputFormat::Human => {
                            if summary.works > 1 {
                                writeln!(out)?;
                            }
                            human::write(&mut out, &report, human_opts)?
                        }
                        OutputFormat::Json => machine::write_json(&mut out, &report)?,
                        OutputFormat::Jsonl => machine::write_jsonl(&mut out, &report)?,
                        OutputFormat::Ao3 => ao3::write(&mut out, &report)?,
                        OutputFormat::Pan => machine::write_pan(&mut out, &report, taxonomy)?,
                        OutputFormat::Gold => machine::write_gold(&mut out, &report)?,
                    }
                }
                Err(e) => {
                    summary.failed += 1;
                    out.flush()?;
                    eprintln!("forewarn: {e}");
                }
            }
            Ok(())
        },
        &engine,
    )?;
    out.flush()?;
    if summary.works + summary.failed > 1 {
        let top: Vec<String> = summary.labels.iter().map(|(l, n)| format!("{l} {n}")).collect();
        eprintln!(
            "forewarn: {} works scanned, {} with warnings, {} failed, in {:.1}s{}",
            summary.works,
            summary.flagged,
            summary.failed,
            started.elapsed().as_secs_f64(),
            if top.is_empty() { String::new() } else { format!(" (works per label: {})", top.join(", ")) }
        );
    }
    Ok(if summary.failed > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

fn check(a: CheckArgs) -> anyhow::Result<ExitCode> {
    let taxonomy = Taxonomy::builtin();
    let at: Severity = a.at.parse()?;
    let mut profile = Profile::new(&a.avoid, at, taxonomy)?;
    if let Some(path) = &a.profile {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading profile {}", path.display()))?;
        profile.merge(Profile::from_toml(&text, taxonomy).map_err(|e| e.at(path.display()))?);
    }
    if profile.is_empty() {
        bail!("nothing to check: give --avoid LABELS or --profile FILE (see `forewarn labels`)");
    }
    let engine = Engine::default();
    let opts = ReportOptions { spoiler_free: !a.show_quotes, include_text: false };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut failed, mut not_clear) = (0usize, 0usize);
    for_each_work(
        &a.input,
        |r| {
            match r {
                Ok((doc, findings)) => {
                    let hits = profile.check(&findings);
                    if hits.is_empty() {
                        if !a.quiet {
                            writeln!(out, "{}: clear for this profile", doc.id)?;
                        }
                    } else {
                        not_clear += 1;
                        if !a.quiet {
                            let report = Report::new(&doc, &hits, engine.detector_name(), taxonomy, opts);
                            writeln!(out, "{}: not clear", doc.id)?;
                            for l in &report.labels {
                                writeln!(out, "  {} ({}): {}", l.label, l.severity, human::locations(&l.passages))?;
                                for p in l.passages.iter().filter_map(|p| p.quote.as_deref().map(|q| (p, q))).take(3) {
                                    writeln!(out, "    ch {} ¶{}: {}", p.0.chapter, p.0.paragraph, p.1)?;
                                }
                            }
                        }
                    }
                }
                Err(e) => {
                    failed += 1;
                    out.flush()?;
                    eprintln!("forewarn: {e}");
                }
            }
            Ok(())
        },
        &engine,
    )?;
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else if not_clear > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn labels(json: bool) -> anyhow::Result<ExitCode> {
    let t = Taxonomy::builtin();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if json {
        serde_json::to_writer_pretty(&mut out, &serde_json::json!({"version": t.version, "groups": t.groups, "severities": t.severities, "labels": t.labels()}))?;
        writeln!(out)?;
    } else {
        for g in &t.groups {
            writeln!(out, "{g}")?;
            for l in t.labels().iter().filter(|l| &l.group == g) {
                writeln!(out, "  {:<26} {}", l.id, l.desc)?;
            }
        }
        writeln!(out, "\nseverities: mention < depiction < graphic")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn engine_named(name: &str) -> anyhow::Result<Engine> {
    match name {
        "cue" | "cue-v1" => Ok(Engine::default()),
        other => bail!("unknown detector '{other}' (available: cue)"),
    }
}

fn run_eval(a: EvalArgs) -> anyhow::Result<ExitCode> {
    let open = |p: &std::path::Path| -> anyhow::Result<io::BufReader<std::fs::File>> {
        Ok(io::BufReader::new(std::fs::File::open(p).with_context(|| format!("opening {}", p.display()))?))
    };
    let gold = eval::read_gold(open(&a.gold)?, &a.gold.display().to_string())?;
    let docs: Vec<Document> = forewarn::ingest::jsonl::works(open(&a.docs)?, a.docs.display().to_string()).collect::<Result<_, _>>()?;
    let mut engines = vec![engine_named(&a.detector)?];
    if let Some(b) = &a.baseline {
        engines.push(engine_named(b)?);
    }
    let taxonomy = Taxonomy::builtin();
    let evals: Vec<eval::Evaluation> = engines
        .iter()
        .map(|engine| {
            let pred = docs
                .par_iter()
                .map(|d| {
                    let r = Report::new(d, &engine.findings(d), engine.detector_name(), taxonomy, ReportOptions { spoiler_free: true, include_text: false });
                    (d.id.clone(), eval::report_labels(&r))
                })
                .collect();
            eval::evaluate(engine.detector_name(), &gold, &pred)
        })
        .collect();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if a.json {
        serde_json::to_writer_pretty(&mut out, &evals)?;
        writeln!(out)?;
    } else {
        eval::write_table(&mut out, &evals)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = forewarn_server::ServerConfig {
        addr: a.addr,
        body_limit: a.max_body_mib.saturating_mul(1 << 20),
        timeout: std::time::Duration::from_secs(a.timeout_secs.max(1)),
        max_concurrent: a.max_concurrent.max(1),
        access_log: !a.quiet,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(forewarn_server::serve(Engine::default(), config)).with_context(|| format!("serving on {}", a.addr))?;
    Ok(ExitCode::SUCCESS)
}
