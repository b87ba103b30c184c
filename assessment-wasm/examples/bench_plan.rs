//! Engine benchmark: generates an assessment with 30 questions, 20 `let`s
//! and 500 rules (a mix of `and`/`or`/`in`/`contains`/arithmetic), compiles
//! it, then times `plan` over many calls. Deterministic (a fixed LCG), no
//! dependencies. Run with `cargo run --release -p assessment-wasm --example bench_plan`;
//! an optional argument sets the number of calls (default 2000). Also
//! reports how long loading the compiled JSON takes, as the page does.

use assessment_wasm::compile::{compile, Compiled};
use assessment_wasm::definition::{AssessmentDef, Context};
use assessment_wasm::plan::{parse_answers, plan, PlanInput};
use assessment_wasm::time::TimeZone;
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

/// A small linear congruential generator: reproducible input without a crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

const OPTIONS: [&str; 5] = ["alpha", "beta", "gamma", "delta", "epsilon"];

fn question(i: usize) -> Value {
    let options = |n: usize| -> Vec<Value> {
        OPTIONS[..n].iter().map(|o| json!({"value": o, "label": o.to_uppercase()})).collect()
    };
    let id = format!("q{i}");
    let mut q = match i % 6 {
        0 | 1 => json!({"id": id, "type": "yes_no_unknown", "text": format!("Question {i}?")}),
        2 => {
            json!({"id": id, "type": "single", "text": "Pick one", "allow_unknown": true, "options": options(4)})
        }
        3 => {
            json!({"id": id, "type": "multi", "text": "Pick some", "allow_unknown": true, "options": options(5)})
        }
        _ => {
            json!({"id": id, "type": "number", "text": "How many?", "allow_unknown": true, "min": 0})
        }
    };
    // Some questions depend on an earlier yes/no question.
    if i >= 6 && i.is_multiple_of(5) {
        q["show_if"] = json!(format!("q{} = yes", (i / 6 - 1) * 6));
    }
    q
}

fn atom(rng: &mut Lcg) -> String {
    let q = |kind: usize, rng: &mut Lcg| format!("q{}", rng.next(5) * 6 + kind);
    match rng.next(8) {
        0 => format!("{} = yes", q(rng.next(2), rng)),
        1 => format!("{} in [{}, {}]", q(2, rng), OPTIONS[rng.next(2)], OPTIONS[2 + rng.next(2)]),
        2 => format!("{} contains {}", q(3, rng), OPTIONS[rng.next(5)]),
        3 => format!("{} * 2 + {} >= {}", q(4, rng), q(5, rng), rng.next(300)),
        4 => format!("count({}) > {}", q(3, rng), rng.next(4)),
        5 => format!("l{} > {}", rng.next(10), rng.next(100)),
        6 => format!("b{}", rng.next(10)),
        _ => format!("{} != {}", q(2, rng), OPTIONS[rng.next(4)]),
    }
}

fn condition(rng: &mut Lcg) -> String {
    let a = atom(rng);
    let b = atom(rng);
    let c = atom(rng);
    match rng.next(4) {
        0 => format!("{a} and ({b} or {c})"),
        1 => format!("({a} or {b}) and not {c}"),
        2 => format!("{a} or {b}"),
        _ => format!("{a} and {b} and {c}"),
    }
}

fn definition(rng: &mut Lcg) -> Value {
    let questions: Vec<Value> = (0..30).map(question).collect();
    let mut lets = Vec::new();
    for i in 0..10 {
        let (n1, n2) = (rng.next(5) * 6 + 4, rng.next(5) * 6 + 5);
        lets.push(json!({"id": format!("l{i}"),
            "expr": format!("max(q{n1}, q{n2}) * {} + count(q{})", rng.next(5) + 1, rng.next(5) * 6 + 3)}));
    }
    for i in 0..10usize {
        let expr = if i > 0 && i.is_multiple_of(3) {
            format!("b{} or l{} >= {}", i - 1, i, rng.next(50))
        } else {
            format!("q{} = yes and q{} != {}", rng.next(5) * 6, rng.next(5) * 6 + 2, OPTIONS[rng.next(4)])
        };
        lets.push(json!({"id": format!("b{i}"), "expr": expr}));
    }
    let verdicts: Vec<Value> = (0..10)
        .map(|i| json!({"id": format!("v{i}"), "title": format!("Verdict {i}"), "due": "72h", "contact": "authority"}))
        .collect();
    let rules: Vec<Value> = (0..500)
        .map(|i| {
            let actions: Vec<String> = (0..2).map(|_| format!("step-{}", rng.next(40))).collect();
            json!({"id": format!("r{i}"), "when": condition(rng), "reason": format!("Reason {}", i % 25),
                   "verdicts": [format!("v{}", i % 10)], "actions": actions})
        })
        .collect();
    json!({"id": "bench", "title": "Bench", "questions": questions, "let": lets,
           "verdicts": verdicts, "rules": rules})
}

fn context() -> Value {
    let steps: Vec<Value> = (0..40)
        .map(|i| {
            let due = ["asap", "1h", "24h", "72h"][i % 4];
            json!({"id": format!("step-{i}"), "playbook": "bench", "title": format!("Step {i}"),
                   "text": "Do it.", "phase": format!("p{}", i % 4),
                   "track": if i.is_multiple_of(2) { "admin" } else { "technical" },
                   "owner": "lead", "due": due,
                   "when": if i.is_multiple_of(7) { Value::from(format!("q{} = yes", (i % 5) * 6)) } else { Value::Null },
                   "url": "#", "sources": []})
        })
        .collect();
    let phases: Vec<Value> =
        (0..4).map(|i| json!({"id": format!("p{i}"), "title": format!("Phase {i}"), "order": i, "url": "#"})).collect();
    json!({"lang": "en", "default_lang": "en", "steps": steps, "phases": phases,
           "contacts": [{"role": "lead", "name": "Lead"}, {"role": "authority", "name": "Authority"}]})
}

fn answers(rng: &mut Lcg) -> Value {
    let mut m = serde_json::Map::new();
    for i in 0..30 {
        let v = if rng.next(6) == 0 {
            json!("unknown")
        } else {
            match i % 6 {
                0 | 1 => json!(["yes", "no"][rng.next(2)]),
                2 => json!(OPTIONS[rng.next(4)]),
                3 => json!(OPTIONS.iter().filter(|_| rng.next(2) == 0).collect::<Vec<_>>()),
                _ => json!(rng.next(200)),
            }
        };
        m.insert(format!("q{i}"), v);
    }
    Value::Object(m)
}

fn main() {
    let calls: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let mut rng = Lcg(0x1b00c);
    let def: AssessmentDef = serde_json::from_value(definition(&mut rng)).expect("definition");
    let ctx: Context = serde_json::from_value(context()).expect("context");

    let start = Instant::now();
    let (compiled, warnings) = match compile(&def, &ctx) {
        Ok(ok) => ok,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            std::process::exit(1);
        }
    };
    let compile_ms = start.elapsed().as_secs_f64() * 1000.0;
    eprintln!(
        "compiled: {} questions, {} lets, {} rules, {} actions, {} warnings",
        compiled.questions.len(),
        compiled.lets.len(),
        compiled.rules.len(),
        compiled.actions.len(),
        warnings.len()
    );

    // What the page does on load: read the compiled JSON the builder wrote.
    let json = compiled.to_json();
    let start = Instant::now();
    let loads = 50;
    for _ in 0..loads {
        black_box(Compiled::from_json(black_box(&json)).expect("loads"));
    }
    let load_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(loads);

    // A few answer sets, used in turn, so no single path is measured.
    let raw_answers: Vec<Value> = (0..16).map(|_| answers(&mut rng)).collect();
    // The browser benchmark (bench/browser-plan.js) runs the same input through the wasm build.
    if let Some(dir) = std::env::var_os("IRBOOK_BENCH_WRITE") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("bench output folder");
        std::fs::write(dir.join("compiled.json"), &json).expect("write compiled.json");
        std::fs::write(dir.join("answers.json"), Value::Array(raw_answers.clone()).to_string())
            .expect("write answers.json");
    }
    let inputs: Vec<PlanInput> = raw_answers
        .iter()
        .map(|a| PlanInput {
            answers: parse_answers(&compiled, a).expect("answers"),
            discovered_ms: 1_795_424_400_000,
            now_ms: 1_795_431_600_000,
            tz: TimeZone::Eu { standard_offset_min: 60 },
        })
        .collect();
    let first = plan(&compiled, &inputs[0]);
    eprintln!(
        "first plan: {} verdicts yes, {} actions",
        first.verdicts.iter().filter(|v| v.decision == assessment_wasm::plan::Decision::Yes).count(),
        first.actions.len()
    );

    let start = Instant::now();
    for i in 0..calls {
        black_box(plan(black_box(&compiled), black_box(&inputs[i % inputs.len()])));
    }
    let per_call_us = start.elapsed().as_secs_f64() * 1e6 / calls as f64;
    println!("plan_500_rules_us_per_call={per_call_us:.1}");
    println!("compile_ms={compile_ms:.1}");
    println!("load_ms={load_ms:.2} ({} KB of JSON)", json.len() / 1024);
}
