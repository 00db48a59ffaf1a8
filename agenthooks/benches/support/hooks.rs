//! The hooks the executor benchmark and the instruction-counting example
//! run: each adds one to the point's value.

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
