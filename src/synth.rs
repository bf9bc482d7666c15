//! Synthetic ledgers for benchmarks and load tests: incidents of about ten events each
//! (detected, acknowledged, escalated, vendor engaged and responded, diagnosed, restore step,
//! partial and full restore, resolved) spread over services and twenty years, as JSON Lines.
//! Deterministic: the same arguments write the same bytes.

use std::io::Write;

/// A small deterministic generator (SplitMix64), so the same flags give the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Writes `incidents` incidents over `services` services to `out`.
pub fn write(
    incidents: u64,
    services: u64,
    seed: u64,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let services = services.max(1);
    let mut rng = Rng(seed);
    let start = time::macros::datetime!(2006-01-01 00:00 UTC).unix_timestamp();
    let span = 20 * 365 * 86_400;
    let step = span / incidents.max(1) as i64;
    let vendors = ["Level3", "COX", "ACME Transit", "Hetzner", "Backblaze"];
    let levels = ["major_outage", "partial_outage", "degraded"];
    for n in 0..incidents {
        let key = format!("inc-{n:07}");
        let service = format!("svc-{:03}", rng.below(services));
        let t0 = start + n as i64 * step + rng.below(step.max(1) as u64 / 2) as i64;
        let mut t = t0;
        let mut at = |rng: &mut Rng, minutes: u64| {
            t += 60 * (1 + rng.below(minutes)) as i64;
            let dt = time::OffsetDateTime::from_unix_timestamp(t).expect("in range");
            dt.format(&time::format_description::well_known::Rfc3339)
                .expect("formats")
        };
        let vendor = vendors[rng.below(vendors.len() as u64) as usize];
        let level = levels[rng.below(levels.len() as u64) as usize];
        let lines = [
            format!(
                r#"{{"type":"detected","incident":"{key}","at":"{}","services":["{service}"],"source":"monitoring","level":"{level}","summary":"check failed on {service}"}}"#,
                at(&mut rng, 1)
            ),
            format!(
                r#"{{"type":"acknowledged","incident":"{key}","at":"{}"}}"#,
                at(&mut rng, 10)
            ),
            format!(
                r#"{{"type":"escalated","incident":"{key}","at":"{}","to":"tier 2"}}"#,
                at(&mut rng, 15)
            ),
            format!(
                r#"{{"type":"vendor_engaged","incident":"{key}","at":"{}","vendor":"{vendor}","ticket":"T-{n}"}}"#,
                at(&mut rng, 20)
            ),
            format!(
                r#"{{"type":"vendor_responded","incident":"{key}","at":"{}","vendor":"{vendor}","contact":"on-call engineer"}}"#,
                at(&mut rng, 90)
            ),
            format!(
                r#"{{"type":"diagnosed","incident":"{key}","at":"{}","cause":"disk full on {service}"}}"#,
                at(&mut rng, 30)
            ),
            format!(
                r#"{{"type":"restore_step","incident":"{key}","at":"{}","summary":"rotated logs","state":"done"}}"#,
                at(&mut rng, 30)
            ),
            format!(
                r#"{{"type":"restored","incident":"{key}","at":"{}","level":"partial"}}"#,
                at(&mut rng, 30)
            ),
            format!(
                r#"{{"type":"restored","incident":"{key}","at":"{}","level":"full"}}"#,
                at(&mut rng, 60)
            ),
            format!(
                r#"{{"type":"resolved","incident":"{key}","at":"{}"}}"#,
                at(&mut rng, 30)
            ),
        ];
        for line in lines {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}
