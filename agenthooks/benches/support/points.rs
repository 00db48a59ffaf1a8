//! The point every benchmark of the executor times: a function with the
//! body of `baseline::direct`, and the hooks that add one to its argument,
//! for benchmarks (and the instruction-counting example) that include this
//! file.

/// A point `$point` on a function `$function` with the body of [`direct`];
/// more `#[hookpoint]` settings may follow.
macro_rules! point {
    ($point:ident, $function:ident $(, $($settings:tt)+)?) => {
        #[agenthooks::hookpoint($point $(, $($settings)+)?)]
        #[inline(never)]
        fn $function(session: &agenthooks::Session, value: u64) -> Result<u64, AgentError> {
            std::hint::black_box(session);
            Ok(value * 2)
        }
    };
}

/// Hooks `$name…` of `$point` for `$tenant`, each adding one to the value.
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
