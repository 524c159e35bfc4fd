//! Command-line flags, parsed by clap. Nothing below `main` reads flags: they are turned into engine,
//! input and printer settings once.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// forewarn: what distressing content a story holds, how severe, and where.
#[derive(Parser, Debug)]
#[command(name = "forewarn", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan stories and report content warnings (exit 0; 2 if any input failed).
    Scan(ScanArgs),
    /// Check stories against a reader profile: exit 0 if clear, 1 if not, 2 on error.
    Check(CheckArgs),
    /// List the labels, groups and severities.
    Labels {
        /// Print the taxonomy as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score detectors on gold data in the dev-set format.
    Eval(EvalArgs),
    /// Serve the HTTP API and the web page.
    Serve(ServeArgs),
    /// Train the learned detector from labelled JSONL passages.
    Train(TrainArgs),
    /// Distil static token embeddings from all-MiniLM-L6-v2 (needs the `minilm` build feature).
    Distill(DistillArgs),
}

#[derive(clap::Args, Debug)]
pub struct DistillArgs {
    /// Folder with config.json, vocab.txt and model.safetensors (scripts/fetch-minilm.sh).
    #[arg(long)]
    pub minilm: PathBuf,
    /// Unlabelled text files whose token frequencies weight the embeddings.
    #[arg(long, required = true, num_args = 1..)]
    pub corpus: Vec<PathBuf>,
    /// Where to write the embeddings (an embed-v1 model file with untrained heads).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// Model kind: linear (hashed n-grams) or embed (static MiniLM embeddings, needs --embeddings).
    #[arg(long, default_value = "linear")]
    pub kind: String,
    /// For --kind embed: the file written by `forewarn distill`.
    #[arg(long)]
    pub embeddings: Option<PathBuf>,
    /// L2 penalty [embed: 0.01].
    #[arg(long)]
    pub l2: Option<f32>,
    /// Training JSONL (streamed): {"text", "labels": {label: severity}, "known": [labels] | null,
    /// "weight": w, "cue": false for labels that came from the cue lexicon} per line. A work with
    /// work-level labels only is one line with the whole work as "text" and a weight below 1.
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the model (safetensors).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Feature buckets are 2^bits.
    #[arg(long, default_value_t = 17)]
    pub bits: u32,
    /// Passes over the data.
    #[arg(long, default_value_t = 8)]
    pub epochs: usize,
    /// Initial learning rate [linear: 0.5, embed: 0.05].
    #[arg(long)]
    pub learning_rate: Option<f32>,
    /// For --kind embed without calibration: the probability at which a head adds its label where the
    /// lexicon found nothing (default: never).
    #[arg(long)]
    pub add_at: Option<f32>,
    /// For --kind embed without calibration: the probability below which a head drops a cue hit.
    #[arg(long)]
    pub veto_below: Option<f32>,
    /// Choose the decision thresholds on these excerpts (dev-set format) and --calibrate-gold: one
    /// threshold for linear; for embed one threshold to add labels and one to veto cue hits.
    #[arg(long, requires = "calibrate_gold")]
    pub calibrate_docs: Option<PathBuf>,
    /// Gold labels for --calibrate-docs.
    #[arg(long, requires = "calibrate_docs")]
    pub calibrate_gold: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Largest request body, in MiB.
    #[arg(long, default_value_t = 10)]
    pub max_body_mib: usize,
    /// Longest time one request may take, in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout_secs: u64,
    /// Most scans in flight; beyond it requests are answered 503.
    #[arg(long, default_value_t = 64)]
    pub max_concurrent: usize,
    /// No access log.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub detector: DetectorArgs,
}

#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Files or directories (searched recursively); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Force the input format instead of detecting it.
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormatArg>,
    /// Largest input file to read, in MiB.
    #[arg(long, default_value_t = 512)]
    pub max_size_mib: u64,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormatArg {
    Text,
    Markdown,
    Html,
    Epub,
    Jsonl,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One-screen summary, then quotes.
    Human,
    /// The JSON report (schema in docs/report-schema.md).
    Json,
    /// One compact JSON report per line, for batches.
    Jsonl,
    /// Suggested AO3 archive warnings and additional tags.
    Ao3,
    /// PAN 2023 output lines: {"work_id", "labels"}.
    Pan,
    /// Gold dev-set format: {"id", "paragraphs"}.
    Gold,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// No quotes: categories, severities and locations only.
    #[arg(long)]
    pub spoiler_free: bool,
    /// Colour: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Skip works already in --output (line formats) and append the rest; failed works are retried.
    #[arg(long)]
    pub resume: bool,
    /// No progress bar (it is only ever drawn on a terminal).
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub detector: DetectorArgs,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Labels or groups to avoid, comma-separated (see `forewarn labels`).
    #[arg(long, value_delimiter = ',')]
    pub avoid: Vec<String>,
    /// Lowest severity that matters: mention, depiction or graphic.
    #[arg(long, default_value = "mention")]
    pub at: String,
    /// A TOML reader profile (`avoid`, `at`, `[labels]`); merged with --avoid.
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Show quotes of the passages (spoilers).
    #[arg(long)]
    pub show_quotes: bool,
    /// Print nothing; only the exit code answers.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub detector: DetectorArgs,
}

/// Which detector to run.
#[derive(clap::Args, Debug)]
pub struct DetectorArgs {
    /// Detector: default (the built-in one), cue, linear or embed (with --model), minilm (zero-shot,
    /// with --minilm).
    #[arg(long, default_value = "default")]
    pub detector: String,
    /// Model file for the linear or embed detector.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// MiniLM folder for the zero-shot baseline (scripts/fetch-minilm.sh; `minilm` build feature).
    #[arg(long)]
    pub minilm: Option<PathBuf>,
    /// Cosine threshold of the zero-shot baseline (chosen on the dev set with `eval --sweep`).
    #[arg(long, default_value_t = 0.20)]
    pub minilm_threshold: f32,
}

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Excerpts, one JSON object per line with "id" and "paragraphs".
    #[arg(long, requires = "gold")]
    pub docs: Option<PathBuf>,
    /// Gold labels, one {"id", "paragraphs"} object per line.
    #[arg(long, requires = "docs")]
    pub gold: Option<PathBuf>,
    /// A Webis passage file (one warning per passage, 3 votes): accuracy, F1 and the OOD protocol.
    #[arg(long, required_unless_present_any = ["docs", "pan"])]
    pub webis: Option<PathBuf>,
    /// A PAN 2023 folder with works.jsonl and labels.jsonl: macro and micro F1 over PAN's 32 labels.
    #[arg(long)]
    pub pan: Option<PathBuf>,
    #[command(flatten)]
    pub detector: DetectorArgs,
    /// Detectors run in the same invocation and printed beside the first (repeatable).
    #[arg(long)]
    pub baseline: Vec<String>,
    /// Model file for a linear or embed baseline.
    #[arg(long)]
    pub baseline_model: Option<PathBuf>,
    /// Also score the first detector with its hits cut at each score threshold (gold format only),
    /// to choose a threshold.
    #[arg(long)]
    pub sweep: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}
