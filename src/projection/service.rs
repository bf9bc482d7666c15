//! A service's own history: when it was commissioned and retired (corrections applied).

use super::effective::corrected;
use super::incident::Stamp;
use crate::event::Body;
use crate::record::Stored;

/// What logbook knows of one service beyond its incidents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Service {
    pub name: String,
    pub commissioned: Option<Stamp>,
    pub retired: Option<Stamp>,
}

/// Folds a service's stream (may be empty: a service only named by incidents).
pub fn fold(name: &str, stream: &[Stored]) -> Service {
    let (events, _) = corrected(stream);
    let mut service = Service {
        name: name.to_string(),
        ..Service::default()
    };
    for e in events {
        let stamp = e.event.stamp();
        if matches!(e.event.body, Body::ServiceCommissioned {}) {
            service.commissioned = Some(stamp);
        } else if matches!(e.event.body, Body::ServiceRetired {}) {
            service.retired = Some(stamp);
        }
    }
    service
}
