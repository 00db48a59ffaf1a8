//! Every name the crate writes on the wire, defined once: the members of an
//! audit line, the fields of a hook's span and the attributes of its
//! metrics. The audit log and telemetry share the `hook.*` names, so that
//! one query finds a hook execution in both.
//!
//! Each name is a `&str` constant, and `symbol!` gives the same name as a
//! literal where only a literal will do (`concat!`); the three names of a
//! line's frame (`seq`, `prev`, `hash` or `hmac`) are used only that way. The one place a name
//! must be spelled again is a `#[serde(rename = "…")]` attribute of
//! [`Entry`](crate::audit::Entry), which takes only a literal; a unit test
//! reads back a line written with these constants, which locks the two
//! together.

/// Defines each name of `constants` as a constant and as an arm of
/// `symbol!`, and each of `literals` as an arm of `symbol!` only.
macro_rules! symbols {
    (
        constants { $($(#[$doc:meta])* $name:ident = $value:literal;)* }
        literals { $($literal:ident = $literal_value:literal;)* }
    ) => {
        $( $(#[$doc])* pub(crate) const $name: &str = $value; )*

        /// A wire name as a string literal, for `concat!`.
        macro_rules! symbol {
            $( ($name) => { $value }; )*
            $( ($literal) => { $literal_value }; )*
        }
    };
}

symbols! {
    constants {
        /// When the hook execution ended (audit line).
        TIMESTAMP = "timestamp";
        /// The point a hook ran at (audit line, span, metrics).
        HOOK_NAME = "hook.name";
        /// The hook's path, `crate::module::name` (audit line, span, metrics).
        HOOK_IMPL = "hook.impl";
        /// The crate that defines the hook (audit line).
        HOOK_CRATE = "hook.crate";
        /// How the execution ended (audit line, span, metrics).
        HOOK_STATUS = "hook.status";
        /// How long the hook ran, in milliseconds (audit line, span).
        HOOK_DURATION_MS = "hook.duration_ms";
        /// The caller's tenant (audit line, span).
        HOOK_TENANT_ID = "hook.tenant_id";
        /// The error, panic or time-out text (audit line); on a span, also the
        /// block reason.
        HOOK_ERROR = "hook.error";
        /// The reason a hook blocked the call (audit line).
        HOOK_BLOCK_REASON = "hook.block_reason";
        /// What an asking, approving, denying or shadow execution says: the
        /// prompt, who decided, what the hook would have done; or the note of
        /// a hook that let the call go on (`Outcome::Note`) (audit line).
        HOOK_MESSAGE = "hook.message";
        /// The argument fields a hook changed, names only (audit line).
        HOOK_CHANGED = "hook.changed";
        /// The approval a hook asked for (audit line).
        HOOK_APPROVAL_ID = "hook.approval_id";
        /// Set when a hook failed and its point let the call go on (audit
        /// line).
        HOOK_LET_THROUGH = "hook.let_through";
        /// Which attempt a run of a hook that declares `retry` was, from 1
        /// (audit line).
        HOOK_ATTEMPT = "hook.attempt";
        /// The caller's session (audit line).
        SESSION_ID = "session_id";
        /// The caller's trace (audit line).
        TRACE_ID = "trace_id";
        /// The caller's span (audit line).
        SPAN_ID = "span_id";
        /// The conversation turn (audit line).
        TURN = "turn";
        /// The process that wrote the audit line.
        PID = "pid";
        /// The OpenTelemetry name of a span.
        OTEL_NAME = "otel.name";
        /// The OpenTelemetry status code of a span.
        OTEL_STATUS_CODE = "otel.status_code";
        /// The OpenTelemetry status description of a span.
        OTEL_STATUS_DESCRIPTION = "otel.status_description";
    }
    literals {
        // The audit line's sequence number: 1 for a file's first line.
        SEQ = "seq";
        // The hash of the audit line before.
        PREV = "prev";
        // The audit line's own hash (an unkeyed chain).
        HASH = "hash";
        // The audit line's own HMAC (a keyed chain).
        HMAC = "hmac";
    }
}
