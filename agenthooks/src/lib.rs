#![doc = include_str!("../docs/overview.md")]
#![doc = include_str!("../docs/limits.md")]

extern crate self as agenthooks;

pub mod algebra {
    #![doc = include_str!("../docs/algebra.md")]
}
pub mod approval;
#[macro_use]
mod symbol;
pub mod audit;
pub mod config;
mod context;
pub mod contract;
mod error;
mod execution;
mod executor;
pub mod guarantees {
    #![doc = include_str!("../docs/guarantees.md")]
}
mod hook;
mod intern;
pub mod lifecycle;
mod link;
pub mod matcher;
pub mod observe;
mod origin;
mod outcome;
pub mod patterns;
mod point;
mod policy;
mod redact;
mod registry;
pub mod runtime;
mod session;
mod single;
mod sink;
pub mod store;
mod table;
pub mod telemetry;
mod tenants;
#[cfg(feature = "testing")]
pub mod testing;
mod unwind;

#[doc(hidden)]
pub mod __private;

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

pub use agenthooks_macros::{agent, hook, hookpoint};
pub use context::Ctx;
pub use error::{Blocked, CarriesHookError, HookError, LinkError};
pub use execution::{Changed, Execution, Status};
pub use hook::{HookFuture, HookKind, HookMeta};
pub use link::{require_crates, verify_linked, Tenants, BINDING_GUARD};
pub use matcher::Matcher;
pub use outcome::{InterceptorReturn, ObserverReturn, Outcome};
pub use point::{AsyncPoint, HookPoint};
pub use policy::{Compose, Mode, OnFailure};
pub use redact::{Redactable, RedactedText, REDACTED};
pub use registry::{linked_hooks, linked_points, PointInfo};
pub use session::Session;

/// Links hook crates into the deployment binary and binds each to the
/// tenants it serves.
///
/// A crate of hooks that no code names is never linked, and its hooks never
/// run. `link!` names each crate, so its hooks register, and binds it:
///
/// - `acme_hooks => "acme"` or `acme_hooks => ["acme", "acme-eu"]`: the
///   crate's hooks run only for those tenants' calls; a hook without
///   `tenant` runs for each of them;
/// - `platform_policies => *`: the crate's hooks run as they declare, for
///   their `tenant` or for every tenant.
///
/// Once a binary has a `link!`, a crate with hooks that it links without
/// naming (a dependency of a dependency) runs no hook, and a hook naming a
/// tenant outside its crate's binding never runs; [`verify_linked`] reports
/// both, and crates named here that registered no hook. The binary's own
/// hooks run as they declare, and so do the hooks a crate registers at run
/// time: under its binding.
///
/// Only the deployment binds. Every `link!` of a binary must be in one
/// crate, a binary (or a test), that names no crate twice and not itself:
/// a hook crate that calls `link!` (to bind itself to every tenant, say),
/// a library that does, or a crate named twice make the bindings
/// *contested*. Then no binding applies: the hooks of every crate that
/// calls `link!` or that one names run for no tenant, and at each point
/// they hook, [`BINDING_GUARD`] blocks every call, naming the crate and
/// the `link!` at fault; [`verify_linked`] returns the same error.
///
/// A deployment binary names its hook crates once, at the top level, denies
/// `unused_crate_dependencies` so that a hook crate it depends on but forgets
/// to name fails the build, and checks the rest first thing in `main`:
///
/// ```text
/// #![deny(unused_crate_dependencies)]
///
/// agenthooks::link! {
///     acme_hooks => "acme",
///     globex_hooks => ["globex", "globex-eu"],
///     platform_policies => *,
/// }
///
/// fn main() -> Result<(), agenthooks::LinkError> {
///     agenthooks::verify_linked()?;
///     // … run the agent
///     Ok(())
/// }
/// ```
///
/// A doc test is compiled as neither a binary nor a test, like a library,
/// so a `link!` in it is refused:
///
/// ```
/// agenthooks::link!(tokio => *);
///
/// let error = agenthooks::verify_linked().unwrap_err();
/// assert!(matches!(error, agenthooks::LinkError::LinkOutsideBinary { .. }), "{error}");
/// ```
///
/// A crate named without its tenants does not compile:
///
/// ```compile_fail
/// agenthooks::link!(tokio);
/// ```
#[macro_export]
macro_rules! link {
    ($($krate:ident => $tenants:tt),+ $(,)?) => {
        $(
            #[allow(unused_imports)]
            use $krate as _;
        )+
        const _: () = {
            // The crate this `link!` is written in, as the compiler names it.
            struct __AgenthooksOrigin;
            impl $crate::__private::Origin for __AgenthooksOrigin {}
            $(
                $crate::__private::inventory::submit! {
                    $crate::__private::LinkedCrate::new::<__AgenthooksOrigin>(
                        ::core::stringify!($krate),
                        $crate::__link_tenants!($tenants),
                        ::core::concat!(::core::file!(), ":", ::core::line!()),
                        ::core::option_env!("CARGO_BIN_NAME").is_some() || ::core::cfg!(test),
                    )
                }
            )+
        };
    };
    ($($other:tt)*) => {
        ::core::compile_error!(
            "bind each hook crate to the tenants it serves: `link!(acme_hooks => \"acme\", globex_hooks => [\"globex\", \"globex-eu\"], platform_policies => *)`"
        );
    };
}

/// Registers a section of the configuration file: the top-level table
/// `[name]`, which `prepare` (a [`config::Prepare`] function) reads and
/// checks every time a configuration is applied, and whose
/// [`config::Commit`] runs only once the whole configuration is accepted
/// (see [`config`]'s "Sections other crates read"). A section is known as
/// soon as its crate is linked, before any configuration is applied.
///
/// ```
/// use agenthooks::config::{self, Commit, SectionError, SectionInput};
/// use std::sync::Mutex;
///
/// static GREETING: Mutex<String> = Mutex::new(String::new());
///
/// #[derive(serde::Deserialize)]
/// #[serde(deny_unknown_fields)]
/// struct Greeting {
///     #[serde(default)]
///     text: String,
/// }
///
/// fn prepare(input: &SectionInput<'_>) -> Result<Commit, SectionError> {
///     let Greeting { text } = input.settings()?;
///     if text.len() > 20 {
///         return Err(input.error_at(Some("text"), "a greeting is at most 20 bytes"));
///     }
///     Ok(Commit::new(move || *GREETING.lock().unwrap() = text))
/// }
///
/// agenthooks::config_section!("greeting", prepare);
///
/// config::apply_str("[greeting]\ntext = \"hello\"\n", "hooks.toml")?;
/// assert_eq!(*GREETING.lock().unwrap(), "hello");
///
/// let error = config::apply_str("[greeting]\ntext = \"hello, and welcome to the agent\"\n", "hooks.toml")
///     .unwrap_err();
/// assert!(error.to_string().starts_with("hooks.toml:2:8: in section `[greeting]`"), "{error}");
/// assert_eq!(*GREETING.lock().unwrap(), "hello", "the greeting in force stays");
/// # Ok::<(), agenthooks::config::ConfigError>(())
/// ```
#[macro_export]
macro_rules! config_section {
    ($name:expr, $prepare:expr $(,)?) => {
        $crate::__private::inventory::submit! {
            $crate::config::Section::new($name, $prepare)
        }
    };
}

/// The tenants of one `link!` binding: `*`, `"acme"` or `["acme", …]`.
#[doc(hidden)]
#[macro_export]
macro_rules! __link_tenants {
    (*) => {
        $crate::Tenants::Every
    };
    ($tenant:literal) => {
        $crate::Tenants::Only(&[$tenant])
    };
    ([$($tenant:literal),+ $(,)?]) => {
        $crate::Tenants::Only(&[$($tenant),+])
    };
    ($other:tt) => {
        ::core::compile_error!(::core::concat!(
            "bind a hook crate to `*`, a tenant `\"acme\"` or a list `[\"acme\", \"acme-eu\"]`, not `",
            ::core::stringify!($other),
            "`"
        ))
    };
}
