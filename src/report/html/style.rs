//! How the report looks: its style sheet, and the colour (with its name beside it) of each
//! impact level.

use crate::event::{Level, word};

pub(super) const STYLE: &str = "
:root{color-scheme:light} figure{margin:0} h1{font-size:1.6rem;margin:0}
body{margin:0;background:#fff;color:#1b1b1b;font:15px/1.5 system-ui,'Segoe UI',Roboto,Arial,sans-serif}
main{max-width:60rem;margin:0 auto;padding:2rem 1.5rem} .sub{font-size:1.15rem;color:#444;margin:0}
h2{font-size:1.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin:2rem 0 .75rem}
table{border-collapse:collapse;width:100%;font-size:.92rem} thead th{background:#f4f4f4}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #e4e4e4}
th[scope=row]{width:11rem} .t{white-space:nowrap;font-variant-numeric:tabular-nums}
code{font:.85em ui-monospace,Menlo,Consolas,monospace;background:#f2f2f2;padding:0 .25em}
.tag{font-size:.75em;border:1px solid #999;border-radius:3px;padding:0 .3em;color:#555}
svg{width:100%;height:auto;display:block} svg text{font:11px system-ui,sans-serif;fill:#333}
.muted,.note{color:#555} .note{font-size:.85rem;margin:.4rem 0} ul.events li{margin:.2rem 0}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.85rem}
.sw{display:inline-block;width:.9em;height:.9em;margin-right:.35em;vertical-align:-.1em;border:1px solid #0004;print-color-adjust:exact;-webkit-print-color-adjust:exact}
.scroll{overflow-x:auto} .scroll svg{min-width:760px} .swipe{display:none}
@media (max-width:50.5rem){.swipe{display:block}}
@media (max-width:40rem){main{padding:1.25rem 1rem} td{overflow-wrap:anywhere} h1{font-size:1.35rem} th[scope=row]{width:40%}
table.stack thead,table.log thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
table.stack,table.stack tbody,table.stack tr,table.stack td,table.log,table.log tbody,table.log tr{display:block}
table.stack tr,table.log tr{border-bottom:1px solid #e4e4e4;padding:.45rem 0}
table.stack td,table.log td{border:0;padding:.05rem 0} table.stack td:first-child{font-weight:600} table.stack td:empty,table.log td:empty{display:none}
table.stack td[data-label]::before{content:attr(data-label) \": \";color:#555;font-weight:400}
table.log td{display:inline-block;margin-right:.6rem} table.log td:last-child{display:block;margin:0}}
@media print{body{font-size:10.5pt} main{max-width:none;padding:0} h2{break-after:avoid} tr,li,figure{break-inside:avoid} .scroll{overflow:visible} .scroll svg{min-width:0} .swipe{display:none}}
";

/// Levels a service can be impacted at, worst first.
pub(super) const LEVELS: [Level; 4] = [
    Level::MajorOutage,
    Level::PartialOutage,
    Level::Degraded,
    Level::Maintenance,
];

pub(super) fn colour(level: Level) -> &'static str {
    match level {
        Level::MajorOutage => "#d62728",
        Level::PartialOutage => "#f28e2b",
        Level::Degraded => "#edc948",
        Level::Maintenance => "#4e79a7",
        Level::Operational => "#59a14f",
    }
}

/// A level's name with its colour swatch.
pub(super) fn swatch(level: Level) -> String {
    let name = word(&level).replace('_', " ");
    format!(
        "<span class=\"sw\" style=\"background:{}\"></span>{name}",
        colour(level)
    )
}
