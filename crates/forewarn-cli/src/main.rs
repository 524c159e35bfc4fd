//! The `forewarn` command: parses flags, builds the engine once, streams inputs through it in
//! parallel (order kept), and picks a printer. Exit codes follow grep: `scan` 0 after reporting,
//! `check` 0 when clear and 1 when not; 2 whenever an input failed or the command was misused.

mod args;
mod batch;
mod learn;
mod sources;

use std::collections::HashSet;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Parser;
use rayon::prelude::*;

use batch::{Batch, Outcome};

use args::{CheckArgs, Cli, ColorChoice, Command, EvalArgs, InputArgs, InputFormatArg, OutputFormat, ScanArgs, ServeArgs, TrainArgs};
use forewarn::eval;
use forewarn::ingest::InputFormat;
use forewarn::report::{ao3, human, machine};
use forewarn::{Document, Engine, Error, Profile, Report, ReportOptions, Severity, Taxonomy};
use sources::SourceOptions;

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
        Command::Train(a) => run_train(a),
        Command::Distill(a) => learn::distill(&a.minilm, &a.corpus, &a.out).map(|()| ExitCode::SUCCESS),
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

fn batch<'a>(engine: &'a Engine, input: &InputArgs, skip: HashSet<String>, progress: bool) -> Batch<'a> {
    Batch { engine, sources: source_options(input), threads: input.threads, skip, progress }
}

/// Whether to colour output going to a terminal (`to_terminal`) or elsewhere.
fn color(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Reports a failed work on stderr (after flushing what came before it on stdout).
fn report_failure(out: &mut dyn Write, error: &Error) -> io::Result<()> {
    out.flush()?;
    eprintln!("forewarn: {error}");
    Ok(())
}

/// The ids already written to a line-format output file, for `--resume`. A last line cut off by an
/// interrupted run is removed so that appending starts on a clean line. Error records are not ids:
/// failed works are tried again.
fn done_ids(path: &Path) -> anyhow::Result<HashSet<String>> {
    let mut ids = HashSet::new();
    let Ok(mut text) = std::fs::read_to_string(path) else { return Ok(ids) };
    if !text.is_empty() && !text.ends_with('\n') {
        let keep = text.rfind('\n').map_or(0, |i| i + 1);
        text.truncate(keep);
        let f = std::fs::OpenOptions::new().write(true).open(path)?;
        f.set_len(keep as u64)?;
    }
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        match (v.get("schema").and_then(|s| s.as_str()), v.pointer("/work/id").and_then(|i| i.as_str())) {
            (Some("forewarn.error"), _) => {}
            (_, Some(report_id)) => {
                ids.insert(report_id.to_string());
            }
            // pan and gold lines carry `work_id` or `id`, read as JSONL inputs read them.
            _ => ids.extend(forewarn::ingest::jsonl::line_id(line.as_bytes())),
        }
    }
    Ok(ids)
}

fn scan(a: ScanArgs) -> anyhow::Result<ExitCode> {
    let engine = learn::engine(&a.detector)?;
    let taxonomy = Taxonomy::builtin();
    let opts = ReportOptions { spoiler_free: a.spoiler_free, include_text: false };
    let line_format = matches!(a.format, OutputFormat::Jsonl | OutputFormat::Pan | OutputFormat::Gold);
    if a.resume && (a.output.is_none() || !line_format) {
        bail!("--resume needs --output FILE and a line format (--format jsonl, pan or gold)");
    }
    let skip = match (&a.output, a.resume) {
        (Some(path), true) => done_ids(path)?,
        _ => HashSet::new(),
    };
    let (sink, to_terminal): (Box<dyn Write>, bool) = match &a.output {
        Some(path) => {
            let f = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(a.resume)
                .truncate(!a.resume)
                .open(path)
                .with_context(|| format!("opening {}", path.display()))?;
            (Box::new(f), false)
        }
        None => (Box::new(io::stdout().lock()), io::stdout().is_terminal()),
    };
    let mut out = BufWriter::new(sink);
    let human_opts = human::HumanOptions { color: color(a.color, to_terminal) };
    let runner = batch(&engine, &a.input, skip, !a.no_progress);
    let render = |doc: &Document, findings: &[forewarn::Finding]| -> io::Result<Vec<u8>> {
        let report = Report::new(doc, findings, engine.detector_name(), taxonomy, opts);
        let mut buf = Vec::with_capacity(4096);
        match a.format {
            OutputFormat::Human => human::write(&mut buf, &report, human_opts)?,
            OutputFormat::Json => machine::write_json(&mut buf, &report)?,
            OutputFormat::Jsonl => machine::write_jsonl(&mut buf, &report)?,
            OutputFormat::Ao3 => ao3::write(&mut buf, &report)?,
            OutputFormat::Pan => machine::write_pan(&mut buf, &report, taxonomy)?,
            OutputFormat::Gold => machine::write_gold(&mut buf, &report)?,
        }
        Ok(buf)
    };
    let stats = runner.run(&a.input.paths, render, |outcome, stats| {
        match outcome {
            Outcome::Done(rendered) => {
                if a.format == OutputFormat::Human && stats.works + stats.failed > 1 {
                    writeln!(out)?;
                }
                out.write_all(&rendered?)?;
            }
            Outcome::Failed { id, error } => {
                if a.format == OutputFormat::Jsonl {
                    machine::write_error(&mut out, id.as_deref(), &error.to_string())?;
                }
                report_failure(&mut out, &error)?;
            }
        }
        Ok(())
    })?;
    out.flush()?;
    if stats.works + stats.failed + stats.skipped > 1 {
        eprintln!("forewarn: {}", stats.summary());
    }
    Ok(if stats.failed > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
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
    let engine = learn::engine(&a.detector)?;
    let opts = ReportOptions { spoiler_free: !a.show_quotes, include_text: false };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut not_clear = 0usize;
    let render = |doc: &Document, findings: &[forewarn::Finding]| -> io::Result<(bool, Vec<u8>)> {
        let hits = profile.check(findings);
        let mut buf = Vec::new();
        if hits.is_empty() {
            writeln!(buf, "{}: clear for this profile", doc.id)?;
            return Ok((true, buf));
        }
        let report = Report::new(doc, &hits, engine.detector_name(), taxonomy, opts);
        writeln!(buf, "{}: not clear", doc.id)?;
        for l in &report.labels {
            writeln!(buf, "  {} ({}): {}", l.label, l.severity, human::locations(&l.passages))?;
            for p in l.passages.iter().filter_map(|p| p.quote.as_deref().map(|q| (p, q))).take(3) {
                writeln!(buf, "    ch {} ¶{}: {}", p.0.chapter, p.0.paragraph, p.1)?;
            }
        }
        Ok((false, buf))
    };
    let stats = batch(&engine, &a.input, HashSet::new(), false).run(&a.input.paths, render, |outcome, _| {
        match outcome {
            Outcome::Done(rendered) => {
                let (clear, text) = rendered?;
                not_clear += usize::from(!clear);
                if !a.quiet {
                    out.write_all(&text)?;
                }
            }
            Outcome::Failed { error, .. } => report_failure(&mut out, &error)?,
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(if stats.failed > 0 {
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
        serde_json::to_writer_pretty(&mut out, &t.to_json())?;
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

fn run_train(a: TrainArgs) -> anyhow::Result<ExitCode> {
    use forewarn::detect::embed::EmbedModel;
    use forewarn::train::{train, train_embed, EmbedTrainOptions, TrainOptions};
    let source = a.data.display().to_string();
    let bar = if io::stderr().is_terminal() { indicatif::ProgressBar::new_spinner() } else { indicatif::ProgressBar::hidden() };
    let started = std::time::Instant::now();
    let epochs = a.epochs.max(1);
    let open = || open_buffered(&a.data).map_err(|e| Error::new(forewarn::ErrorKind::Io, e.to_string()));
    let progress = |epoch, seen, loss| bar.set_message(format!("epoch {epoch}/{epochs}: {seen} examples, loss {loss:.4}"));
    // The trained model, of either kind.
    enum Trained {
        Linear(forewarn::detect::linear::LinearModel),
        Embed(Box<EmbedModel>),
    }
    let mut model = match a.kind.as_str() {
        "linear" => {
            anyhow::ensure!((8..=24).contains(&a.bits), "--bits must be between 8 and 24");
            let d = TrainOptions::default();
            let opts = TrainOptions { bits: a.bits, epochs, learning_rate: a.learning_rate.unwrap_or(d.learning_rate), l2: a.l2.unwrap_or(d.l2), ..d };
            Trained::Linear(train(open, &source, opts, progress)?)
        }
        "embed" => {
            let path = a.embeddings.as_deref().context("--kind embed needs --embeddings FILE (from `forewarn distill`)")?;
            let base = EmbedModel::from_bytes(&std::fs::read(path).with_context(|| format!("reading {}", path.display()))?)?;
            let d = EmbedTrainOptions::default();
            let opts = EmbedTrainOptions { epochs, learning_rate: a.learning_rate.unwrap_or(d.learning_rate), l2: a.l2.unwrap_or(d.l2), ..d };
            let mut m = train_embed(base.embeddings, open, &source, opts, progress)?;
            m.metadata.extend(base.metadata.into_iter().filter(|(k, _)| k == "teacher" || k == "token_weights"));
            m.thresholds.iter_mut().for_each(|x| *x = a.add_at.unwrap_or(f32::INFINITY));
            m.veto.iter_mut().for_each(|x| *x = a.veto_below.unwrap_or(0.0));
            Trained::Embed(Box::new(m))
        }
        other => bail!("unknown --kind '{other}' (linear or embed)"),
    };
    bar.finish_and_clear();
    eprintln!("forewarn: trained in {:.1}s", started.elapsed().as_secs_f64());
    if let (Some(docs), Some(gold)) = (&a.calibrate_docs, &a.calibrate_gold) {
        let set = learn::GoldSet::read(docs, gold)?;
        let at = docs.display().to_string();
        match &mut model {
            Trained::Linear(m) => {
                let t = learn::calibrate_linear(m, &set);
                m.metadata.insert("threshold_chosen_on".into(), at);
                eprintln!("forewarn: chose threshold {t:.2}");
            }
            Trained::Embed(m) => {
                let (add, veto) = learn::calibrate_embed(m, &set);
                m.metadata.insert("thresholds_chosen_on".into(), at);
                eprintln!("forewarn: chose add at {add:.2}, veto below {veto:.2}");
            }
        }
    }
    let bytes = match &model {
        Trained::Linear(m) => m.to_bytes()?,
        Trained::Embed(m) => m.to_bytes()?,
    };
    std::fs::write(&a.out, bytes).with_context(|| format!("writing {}", a.out.display()))?;
    eprintln!("forewarn: wrote {}", a.out.display());
    Ok(ExitCode::SUCCESS)
}

fn open_buffered(p: &Path) -> anyhow::Result<io::BufReader<std::fs::File>> {
    Ok(io::BufReader::new(std::fs::File::open(p).with_context(|| format!("opening {}", p.display()))?))
}

fn run_eval(a: EvalArgs) -> anyhow::Result<ExitCode> {
    let mut engines = vec![learn::engine(&a.detector)?];
    for b in &a.baseline {
        engines.push(learn::engine_named(b, a.baseline_model.as_deref(), &a.detector)?);
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let mut json = serde_json::Map::new();
    if let (Some(docs), Some(gold)) = (&a.docs, &a.gold) {
        let set = learn::GoldSet::read(docs, gold)?;
        let all: Vec<Vec<forewarn::Scores>> = engines.iter().map(|e| set.scores(e)).collect();
        let evals: Vec<eval::Evaluation> = engines.iter().zip(&all).map(|(e, s)| set.evaluate_at(e, s, 0.0)).collect();
        if a.sweep {
            for step in 1..100 {
                let t = step as f32 * 0.01;
                let e = set.evaluate_at(&engines[0], &all[0], t);
                eprintln!(
                    "sweep {}: min score {t:.2}: paragraph macro F1 {:.3} micro {:.3}, excerpt macro F1 {:.3} micro {:.3}",
                    e.detector, e.paragraph.macro_f1, e.paragraph.micro_f1, e.excerpt.macro_f1, e.excerpt.micro_f1
                );
            }
        }
        if a.json {
            json.insert("gold".into(), serde_json::to_value(&evals)?);
        } else {
            eval::write_table(&mut out, &evals)?;
        }
    }
    if let Some(path) = &a.webis {
        let items = eval::read_webis(open_buffered(path)?, &path.display().to_string())?;
        let taxonomy = Taxonomy::builtin();
        let evals: Vec<eval::WebisEvaluation> = engines
            .iter()
            .map(|engine| {
                // A passage is positive when any of its paragraphs carries the warning's label.
                let predicted: Vec<bool> = items
                    .par_iter()
                    .map(|item| {
                        let labels = taxonomy.from_webis(&item.warning);
                        forewarn::ingest::read_work("passage", item.text.as_bytes(), forewarn::ingest::InputFormat::Text)
                            .map(|doc| engine.scores(&doc).paragraphs.iter().flatten().any(|h| labels.contains(&h.label)))
                            .unwrap_or(false)
                    })
                    .collect();
                eval::evaluate_webis(engine.detector_name(), &items, &predicted)
            })
            .collect();
        if a.json {
            json.insert("webis".into(), serde_json::to_value(&evals)?);
        } else {
            if a.docs.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "Webis passages: {} ({} positive by >= 2 of 3 votes)", items.len(), items.iter().filter(|i| i.positive).count())?;
            eval::write_webis_table(&mut out, &evals)?;
        }
    }
    if let Some(dir) = &a.pan {
        let evals = pan_eval(dir, &engines)?;
        if a.json {
            json.insert("pan".into(), serde_json::to_value(&evals)?);
        } else {
            writeln!(out, "\nPAN 2023: {} works", evals.first().map_or(0, |e| e.works))?;
            for e in &evals {
                writeln!(
                    out,
                    "{:<10} macro F1 (32 labels) {:.3}  macro F1 (labels in gold) {:.3}  micro F1 {:.3}",
                    e.detector, e.macro_f1, e.macro_f1_present, e.micro_f1
                )?;
            }
        }
    }
    if a.json {
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Scores engines on a PAN 2023 folder, streaming works.jsonl in parallel chunks (a 300k-work corpus
/// never sits in memory; only the predicted label sets do).
fn pan_eval(dir: &Path, engines: &[Engine]) -> anyhow::Result<Vec<eval::PanEvaluation>> {
    let taxonomy = Taxonomy::builtin();
    let labels_path = dir.join("labels.jsonl");
    let works_path = dir.join("works.jsonl");
    let gold = eval::read_pan_labels(open_buffered(&labels_path)?, &labels_path.display().to_string())?;
    let names = taxonomy.pan_labels();
    let mut preds: Vec<std::collections::BTreeMap<String, std::collections::BTreeSet<String>>> = vec![Default::default(); engines.len()];
    let source = works_path.display().to_string();
    let mut lines = forewarn::ingest::jsonl::lines(open_buffered(&works_path)?);
    loop {
        let chunk: Vec<_> = lines.by_ref().take(1024).collect();
        if chunk.is_empty() {
            break;
        }
        let docs: Vec<Document> = chunk
            .into_par_iter()
            .filter_map(|(n, l)| match forewarn::ingest::jsonl::parse_raw(&source, n, l) {
                Ok(d) => Some(d),
                Err(e) => {
                    eprintln!("forewarn: {e}");
                    None
                }
            })
            .collect();
        for (engine, pred) in engines.iter().zip(preds.iter_mut()) {
            let found: Vec<(String, std::collections::BTreeSet<String>)> = docs
                .par_iter()
                .map(|d| {
                    let r = engine.report(d, ReportOptions { spoiler_free: true, include_text: false });
                    (d.id.clone(), machine::pan_labels(&r, taxonomy).into_iter().collect())
                })
                .collect();
            pred.extend(found);
        }
    }
    Ok(engines.iter().zip(&preds).map(|(e, p)| eval::evaluate_pan(e.detector_name(), &names, &gold, p)).collect())
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
    runtime.block_on(forewarn_server::serve(learn::engine(&a.detector)?, config)).with_context(|| format!("serving on {}", a.addr))?;
    Ok(ExitCode::SUCCESS)
}
