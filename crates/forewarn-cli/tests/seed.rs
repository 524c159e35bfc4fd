//! The canonical cases: the seed story (suicide note and attempt, self-harm, pregnancy loss, a brother's
//! death) must be caught at the right paragraphs, and a benign opening must come back clean.
//! Both are read from the shared folder, not copied into the project.

mod util;
use util::*;

fn find<'a>(labels: &'a [(String, String, Vec<(u64, String)>)], name: &str) -> &'a (String, String, Vec<(u64, String)>) {
    labels.iter().find(|l| l.0 == name).unwrap_or_else(|| panic!("{name} not reported; got {labels:?}"))
}

#[test]
fn seed_reports_suicide_self_harm_miscarriage_and_death() {
    let report = json_report(seed().to_str().unwrap());
    let labels = labels(&report);

    // Suicide: the note (paragraphs 0-5) and the attempt (7-8), depicted.
    let suicide = find(&labels, "suicide");
    assert!(suicide.1 == "depiction" || suicide.1 == "graphic", "suicide severity {}", suicide.1);
    assert!(suicide.2.iter().any(|(i, _)| *i <= 5), "no passage in the note: {:?}", suicide.2);
    assert!(suicide.2.iter().any(|(i, _)| (6..=8).contains(i)), "no passage in the attempt: {:?}", suicide.2);

    // Self-harm: the cutting (paragraph 7) and the scars asked about later (61-63).
    let self_harm = find(&labels, "self-harm");
    assert!(self_harm.2.iter().any(|(i, _)| *i == 7), "{:?}", self_harm.2);
    assert!(self_harm.2.iter().any(|(i, _)| (61..=63).contains(i)), "{:?}", self_harm.2);

    // Miscarriage: the loss named in the note (paragraph 1).
    let miscarriage = find(&labels, "miscarriage");
    assert!(miscarriage.2.iter().any(|(i, _)| *i == 1), "{:?}", miscarriage.2);

    // Death: the brother, Max, mentioned (paragraph 24), at mention.
    let death = find(&labels, "death");
    assert!(death.2.iter().any(|(i, s)| *i == 24 && s == "mention"), "{:?}", death.2);
}

#[test]
fn benign_opening_has_no_label() {
    let path = shared().join("eval/dev/texts/ea-opening.txt");
    let report = json_report(path.to_str().unwrap());
    assert_eq!(labels(&report), vec![], "The Enchanted April's opening carries nothing");
}

#[test]
fn seed_check_fails_for_a_reader_avoiding_suicide_and_passes_for_spiders_only_reader() {
    let seed = seed();
    let o = run(&["check", "--avoid", "suicide,self-harm", "--at", "depiction", seed.to_str().unwrap()], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("not clear") && out.contains("suicide"), "{out}");
    // Spoiler-free by default: locations only, no quotes from the story.
    assert!(!out.contains("Magnus"), "check printed story text: {out}");

    let clear = shared().join("eval/dev/texts/ea-opening.txt");
    let o = run(&["check", "--avoid", "suicide,self-harm", clear.to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}
