//! The hooks the benchmarks and the instruction-counting example run: on
//! their points, each adds one to the value; on stream events, each passes
//! the event unchanged.

/// Hooks `$name…` of `$point` for `$tenant`, each adding one to the value.
#[allow(unused_macros, reason = "the lifecycle benchmark uses the stream hooks alone")]
macro_rules! hooks {
    ($point:ident, $tenant:literal, [$($name:ident)*]) => {
        const _: () = {
            $(
                #[agenthooks::hook($point, tenant = $tenant)]
                fn $name(ctx: &mut agenthooks::Ctx<$point>) -> agenthooks::Outcome {
                    ctx.value += 1;
                    agenthooks::Outcome::Continue
                }
            )*
        };
    };
}

/// Two stream hooks that pass every event unchanged: an interceptor for
/// tenant `interceptor` (it pays for the copy of an event it might change),
/// an observer for tenant `observer`.
#[allow(unused_macros, reason = "the benchmarks of points use `hooks!` alone")]
macro_rules! pass_through_stream_hooks {
    () => {
        const _: () = {
            #[agenthooks::hook(agenthooks::lifecycle::StreamEvent, tenant = "interceptor")]
            fn pass_through(_ctx: &mut agenthooks::Ctx<agenthooks::lifecycle::StreamEvent>) -> agenthooks::Outcome {
                agenthooks::Outcome::Continue
            }

            #[agenthooks::hook(agenthooks::lifecycle::StreamEvent, tenant = "observer")]
            fn watch(_ctx: &agenthooks::Ctx<agenthooks::lifecycle::StreamEvent>) -> agenthooks::Outcome {
                agenthooks::Outcome::Continue
            }
        };
    };
}
