//! How the status site looks: its style sheet, and the colour of a level and of a day (each
//! colour also has words, for people who cannot tell the colours apart).

use crate::event::Level;
use crate::projection::status::Day;

/// The style sheet: one column that reads on a 390 px phone, no web fonts, no scripts.
pub const CSS: &str = "
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9;color:#1b1b1b;font:15px/1.5 system-ui,'Segoe UI',Roboto,Arial,sans-serif}
main{max-width:54rem;margin:0 auto;padding:1.5rem 1rem 3rem}
a{color:#0b57d0} h1{font-size:1.5rem;margin:0 0 1rem} h2{font-size:1.1rem;margin:2rem 0 .6rem}
h3{font-size:1rem;margin:0}
.banner{border-radius:6px;padding:.9rem 1rem;font-weight:600;color:#fff;margin:0 0 1.5rem}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:.9rem 1rem;margin:0 0 .75rem}
.svc{display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap;align-items:baseline}
.svc h3{overflow-wrap:anywhere}
.lvl{font-size:.9rem;font-weight:600;white-space:nowrap}
.bars{display:block;width:100%;height:34px;margin:.5rem 0 .2rem}
.axis{display:flex;justify-content:space-between;font-size:.78rem;color:#5f6368;white-space:nowrap}
.card p.muted{margin:.2rem 0 0}
.muted{color:#5f6368;font-size:.88rem} .t{white-space:nowrap;font-variant-numeric:tabular-nums}
.updates{list-style:none;margin:.5rem 0 0;padding:0}
.updates li{border-left:3px solid #dde1e6;padding:.1rem 0 .1rem .7rem;margin:.5rem 0}
.updates p{margin:.15rem 0;overflow-wrap:anywhere}
.legend{list-style:none;padding:0;margin:.5rem 0 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.82rem}
.sw{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:-.05em;border-radius:2px}
footer{margin-top:2.5rem;font-size:.85rem;color:#5f6368}
footer a{margin-right:1rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;vertical-align:top;padding:.3rem .4rem;border-bottom:1px solid #e4e4e4}
@media (max-width:40rem){td{overflow-wrap:anywhere}}
";

/// The colour of a current level (the banner, a service's word).
pub fn level_colour(level: Level) -> &'static str {
    match level {
        Level::Operational => "#1e8e3e",
        Level::Degraded => "#b58300",
        Level::PartialOutage => "#e8710a",
        Level::MajorOutage => "#c5221f",
        Level::Maintenance => "#1a73e8",
    }
}

/// What a day's bar shows, worst first; each has a colour and a word in the legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shade {
    /// Four hours or more of weighted downtime.
    Heavy,
    /// One to four hours.
    Moderate,
    /// Under an hour.
    Light,
    /// An outage whose length is known only to the day.
    Unmeasured,
    /// Degraded, without downtime under the policy.
    Degraded,
    /// Maintenance only.
    Maintenance,
    Operational,
    /// The service did not exist that day.
    NoData,
}

pub const SHADES: [Shade; 8] = [
    Shade::Operational,
    Shade::Degraded,
    Shade::Light,
    Shade::Moderate,
    Shade::Heavy,
    Shade::Unmeasured,
    Shade::Maintenance,
    Shade::NoData,
];

impl Shade {
    /// The shade of a day: by its weighted downtime, then by its worst level.
    pub fn of(day: &Day) -> Shade {
        let Some(level) = day.level else {
            return Shade::NoData;
        };
        match day.downtime_seconds {
            None => Shade::Unmeasured,
            Some(d) if d >= 4.0 * 3600.0 => Shade::Heavy,
            Some(d) if d >= 3600.0 => Shade::Moderate,
            Some(d) if d > 0.0 => Shade::Light,
            Some(_) => match level {
                Level::Maintenance => Shade::Maintenance,
                Level::Degraded | Level::PartialOutage | Level::MajorOutage => Shade::Degraded,
                Level::Operational => Shade::Operational,
            },
        }
    }

    pub fn colour(self) -> &'static str {
        match self {
            Shade::Heavy => "#c5221f",
            Shade::Moderate => "#e8710a",
            Shade::Light => "#f9ab00",
            Shade::Unmeasured => "#8e24aa",
            Shade::Degraded => "#c6d93f",
            Shade::Maintenance => "#1a73e8",
            Shade::Operational => "#34a853",
            Shade::NoData => "#c8ccd1",
        }
    }

    /// The legend's words.
    pub fn words(self) -> &'static str {
        match self {
            Shade::Heavy => "4 h or more down",
            Shade::Moderate => "1–4 h down",
            Shade::Light => "under 1 h down",
            Shade::Unmeasured => "outage of unknown length",
            Shade::Degraded => "degraded, no downtime",
            Shade::Maintenance => "maintenance only",
            Shade::Operational => "no downtime",
            Shade::NoData => "no data",
        }
    }
}
