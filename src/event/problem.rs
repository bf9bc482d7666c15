//! What kind of problem a refused line has, as data: the command line and the HTTP layer each
//! turn it into their own advice (DESIGN section 7), so none is written here.

/// The kind of problem behind a [`FieldError`], beyond its field and message, with the facts
/// that advice about it needs. It says what is wrong, never how to fix it at a command line.
///
/// [`FieldError`]: super::FieldError
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The line is not one JSON object.
    NotAnObject,
    /// The line is not valid UTF-8.
    NotUtf8,
    /// `type` is missing, not a string, or no event type; `suggestion` is the nearest type.
    EventType { suggestion: Option<&'static str> },
    /// A field that events of type `ty` do not have. `fields` are the type's own fields (the
    /// common ones are [`COMMON_FIELDS`]); `suggestion` is the nearest known field.
    ///
    /// [`COMMON_FIELDS`]: super::parse::COMMON_FIELDS
    UnknownField {
        ty: &'static str,
        fields: Vec<&'static str>,
        suggestion: Option<&'static str>,
    },
    /// A precondition field (`expected_revision`) given as `null` rather than left out.
    NullPrecondition { field: String },
    /// A one-line field holds a line break.
    MultiLine,
    /// A value that should be a hyphenated UUID is not one.
    NotAUuid,
    /// A key (incident or service name) breaks the rules of names.
    BadName,
    /// `services` is not a list of service names, or an empty one.
    NotAServiceList,
    /// A value that should be a time (RFC 3339 or a day) is not one.
    NotATime,
    /// A time names a leap second.
    LeapSecond,
    /// A time has more than 9 fractional digits.
    TooPrecise,
    /// `at` is missing.
    NoTime,
    /// An amendment's `set` is not an object.
    SetNotAnObject,
    /// One event names more than [`MAX_SERVICES`] services.
    ///
    /// [`MAX_SERVICES`]: super::limits::MAX_SERVICES
    TooManyServices,
    /// A free-text field is longer than [`MAX_TEXT_BYTES`].
    ///
    /// [`MAX_TEXT_BYTES`]: super::limits::MAX_TEXT_BYTES
    TextTooLong,
    /// A short string field is longer than [`MAX_SHORT_TEXT_BYTES`].
    ///
    /// [`MAX_SHORT_TEXT_BYTES`]: super::limits::MAX_SHORT_TEXT_BYTES
    ShortTextTooLong,
    /// `id` is the nil or the max UUID, which cannot identify an event.
    ReservedId,
    /// A service's own event names an incident.
    IncidentOnServiceEvent,
    /// A correction names neither an incident nor a service.
    CorrectionWithoutStream,
    /// An amendment replaces a field that no amendment may change (`type`, `id`, ...).
    FixedField,
    /// The incident does not exist yet, and this type cannot open it.
    NotOpened,
    /// The incident is closed; only the types `may_follow` may still be appended.
    ClosedIncident { may_follow: &'static [&'static str] },
    /// The service is retired; only the types `may_follow` may still be appended.
    RetiredService { may_follow: &'static [&'static str] },
    /// An outage event in a maintenance incident, or the other way round.
    MixedKinds,
    /// The event is dated before the first event of its stream (or an acknowledgement before
    /// the detection): implausible unless forced.
    BeforeOpening,
    /// A time that is almost certainly a typo (far ahead of when it is recorded, a maintenance
    /// started long before its window): implausible unless forced.
    Implausible,
    /// `reopened` on an incident that is open.
    NotClosed,
    /// `reopened` dated before the resolve it reopens.
    BeforeClose,
    /// A correction's `target` is no seq, event id or id prefix (or a prefix too short).
    NotATarget,
    /// No stored event has the correction's target id, seq or id prefix.
    NoSuchTarget,
    /// The id prefix a correction names its target by starts the ids of several events.
    AmbiguousTarget,
    /// The correction's target belongs to another stream.
    OtherStream,
    /// The correction's target is withdrawn by a retraction in effect.
    Retracted,
    /// A new service spelled like a known one (case, punctuation): a typo, unless said new.
    NearService,
    /// A vendor spelled like one already in the incident: a typo.
    NearVendor,
    /// The event's id is already stored with other content.
    IdReused,
    /// The stream is not at the expected revision: another writer appended first.
    StaleRevision,
}
