//! Throughput of ingest + segmentation + cue detection on the Project Gutenberg books in
//! `../shared/data/gutenberg` (or `FOREWARN_BENCH_DIR`), on one thread and on all threads given by
//! `FOREWARN_BENCH_THREADS` (default 2), reported as MB/s and as ratios against two baselines run in
//! the same invocation:
//!
//! * `decode`: UTF-8 decoding and line counting only (the floor: reading the bytes);
//! * `naive-regex`: ingest, then one case-insensitive regex of all cue words run per paragraph (the
//!   obvious way to write a keyword detector).
//!
//! Run with `cargo bench -p forewarn --bench throughput` (bench/throughput.sh).

use std::path::PathBuf;
use std::time::Instant;

use forewarn::detect::cue::CueDetector;
use forewarn::ingest::{read_work, InputFormat};
use forewarn::Detector;
use rayon::prelude::*;

fn books() -> Vec<(String, Vec<u8>)> {
    let dir = std::env::var_os("FOREWARN_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/gutenberg"));
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

fn naive_regex() -> regex::Regex {
    // Every single-word strong cue of the lexicon, as one alternation: what a first attempt looks like.
    let words = [
        "kill", "killed", "murder", "murdered", "stab", "stabbed", "die", "died", "dead", "death", "suicide", "blood",
        "bleeding", "rape", "abuse", "war", "battle", "kidnap", "kidnapped", "pregnant", "miscarriage", "drunk",
        "anorexia", "madness", "insane", "funeral", "grave", "corpse", "torture", "slave", "whip", "beat", "beaten",
    ];
    regex::Regex::new(&format!(r"(?i)\b({})\b", words.join("|"))).unwrap()
}

fn time<F: Fn(&[u8]) -> usize + Sync>(name: &str, books: &[(String, Vec<u8>)], threads: usize, f: F) -> f64 {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let bytes: usize = books.iter().map(|b| b.1.len()).sum();
    // One warm-up pass, then the best of three.
    let mut best = f64::MAX;
    let mut check = 0;
    for round in 0..4 {
        let start = Instant::now();
        let n: usize = pool.install(|| books.par_iter().map(|(_, b)| f(b)).sum());
        let secs = start.elapsed().as_secs_f64();
        if round > 0 {
            best = best.min(secs);
        }
        check = n;
    }
    let mbs = bytes as f64 / 1e6 / best;
    println!("{name:<34} {threads} thread(s)  {mbs:>9.1} MB/s   ({check} units)");
    mbs
}

fn main() {
    let books = books();
    let bytes: usize = books.iter().map(|b| b.1.len()).sum();
    let threads: usize = std::env::var("FOREWARN_BENCH_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(2);
    println!("{} books, {:.1} MB; release build; best of 3 after a warm-up", books.len(), bytes as f64 / 1e6);
    let cue = CueDetector::builtin();
    let naive = naive_regex();
    for t in [1, threads] {
        let decode = time("decode (baseline)", &books, t, |b| {
            std::str::from_utf8(b).map(|s| s.lines().count()).unwrap_or(0)
        });
        let ingest = time("ingest + segmentation", &books, t, |b| {
            read_work("b", b, InputFormat::Text).map(|d| d.paragraphs.iter().map(|p| p.sentences.len()).sum()).unwrap_or(0)
        });
        let regex = time("ingest + naive regex (baseline)", &books, t, |b| {
            let d = read_work("b", b, InputFormat::Text).unwrap();
            (0..d.paragraphs.len()).map(|i| naive.find_iter(d.paragraph_text(i)).count()).sum()
        });
        let full = time("ingest + segmentation + cues", &books, t, |b| {
            let d = read_work("b", b, InputFormat::Text).unwrap();
            cue.detect(&d).paragraphs.iter().map(|h| h.len()).sum()
        });
        println!(
            "  ratios at {t} thread(s): full/decode {:.3}, full/ingest {:.3}, full/naive-regex {:.2}x\n",
            full / decode,
            full / ingest,
            full / regex
        );
    }
}
