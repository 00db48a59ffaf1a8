//! `#[hook(Point, …)]`: the user's function, unchanged, plus a wrapper that
//! turns its return value into an outcome and an `inventory` registration.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{parse_quote, FnArg, Path, PathArguments, Type};

use super::{parse_item, recover, with_errors};
use crate::ast::{Hook, Kind};
use crate::attr::{HookArgs, MatcherArg, PatternArgs, VersionArg};
use crate::errors::Errors;
use crate::item::RawFn;
use crate::patterns::{BreakerArg, RateLimitArg};
use crate::valid;

/// `#[hook(args)]` on `input`.
pub(crate) fn hook(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut item: RawFn = match parse_item(input, "`#[hook]` goes on an `fn` or `async fn` taking the point's context")
    {
        Ok(item) => item,
        Err(tokens) => return tokens,
    };
    let mut errors = Errors::default();
    let args = errors.check(syn::parse2::<HookArgs>(args));
    let hook = errors.check(Hook::new(item.clone(), args.as_ref().map(|args| &args.point)));
    if let (Some(args), Some(hook)) = (&args, &hook) {
        if errors.check(valid::hook_patterns(&args.patterns, args.timeout_ms, hook.is_async())).is_some() {
            return expand(args, hook);
        }
    }
    recover(&mut item);
    if let Some(args) = &args {
        name_point_in_context(&mut item, &args.point);
    }
    with_errors(item, &errors)
}

/// Writes the point into a context type that names none (`&mut Ctx`), so
/// that the item emitted beside the error about it compiles.
fn name_point_in_context(item: &mut RawFn, point: &Path) {
    let Some(FnArg::Typed(first)) = item.sig.inputs.first_mut() else { return };
    let Type::Reference(reference) = &mut *first.ty else { return };
    let Type::Path(path) = &mut *reference.elem else { return };
    if let Some(last) = path.path.segments.last_mut().filter(|last| last.ident == "Ctx" && last.arguments.is_none()) {
        last.arguments = PathArguments::AngleBracketed(parse_quote!(<#point>));
    }
}

/// The user's function, its wrapper and its registration.
fn expand(args: &HookArgs, hook: &Hook) -> TokenStream {
    let item = &hook.item;
    let ident = &item.sig.ident;
    let name = ident.to_string();
    // Every use of the point goes through `PointOf`, spanned at the user's
    // path: a path that names no hook point is reported once, at that path.
    let path = &args.point;
    let point = quote_spanned!(path.span()=> <#path as ::agenthooks::__private::PointOf>::Point);
    let tenant = args
        .tenant
        .as_ref()
        .map_or_else(|| quote!(::core::option::Option::None), |tenant| quote!(::core::option::Option::Some(#tenant)));
    let order = args.order.map_or_else(|| quote!(::agenthooks::__private::DEFAULT_ORDER), |order| quote!(#order));
    let timeout_ms = args
        .timeout_ms
        .map_or_else(|| quote!(::agenthooks::__private::DEFAULT_TIMEOUT_MS), |timeout_ms| quote!(#timeout_ms));
    let fallback = args.fallback.as_ref().is_none_or(|fallback| fallback.value);
    let is_async = hook.is_async();
    let mode = args.mode.as_ref().map_or_else(|| quote!(Enforce), |variant| quote!(#variant));
    // An explicit `fallback = true` loosens the point's failure policy:
    // spanned at it, so that a point that fails closed reports it there.
    let fallback_check = args.fallback.as_ref().filter(|fallback| fallback.value).map(|fallback| {
        quote_spanned! {fallback.span()=>
            const _: () = ::agenthooks::__private::assert_fallback_allowed(::core::marker::PhantomData::<#point>);
        }
    });

    let (kind, mutability, returns, cast) = match hook.kind {
        Kind::Interceptor => ("Interceptor", quote!(mut), quote!(InterceptorReturn), quote!(cast_mut)),
        Kind::Observer => ("Observer", quote!(), quote!(ObserverReturn), quote!(cast_ref)),
    };
    // Idents made here keep the call site's hygiene when spliced into code
    // spanned at the user's tokens (which may come from a `macro_rules!`).
    let ctx_param = quote!(__agenthooks_ctx);
    let context = &hook.context;
    let ctx = quote_spanned! {context.span()=>
        <#context as ::agenthooks::__private::HookContext<#point>>::#cast(#ctx_param)
    };
    let call = if is_async { quote!(#ident(#ctx).await) } else { quote!(#ident(#ctx)) };
    let converted = quote_spanned! {hook.ret_span=>
        <_ as ::agenthooks::__private::#returns>::into_hook_result(#call)
    };
    // The context parameter's type names the point: spanned at the point's
    // path like every other use of it (see `registration`).
    let lifetime = is_async.then(|| quote!('c));
    let ctx_type = quote_spanned!(path.span()=> &#lifetime #mutability ::agenthooks::Ctx<#point>);
    let (run_fn, variant) = if is_async {
        // Spanned at the hook's `async`: a sync point, or a future that is
        // not `Send`, is reported there.
        let asyncness = item.sig.asyncness.span();
        let check = quote_spanned! {asyncness=>
            ::agenthooks::__private::assert_async_point(::core::marker::PhantomData::<#point>)
        };
        let future = quote_spanned!(asyncness=> ::agenthooks::__private::box_hook(async move { #converted }));
        let run_fn = quote! {
            const _: () = #check;
            fn __agenthooks_run<'c>(#ctx_param: #ctx_type) -> ::agenthooks::__private::HookFuture<'c> {
                #future
            }
        };
        (run_fn, format_ident!("async_{}", kind.to_lowercase()))
    } else {
        let run_fn = quote! {
            fn __agenthooks_run(
                #ctx_param: #ctx_type,
            ) -> ::core::result::Result<::agenthooks::Outcome, ::std::string::String> {
                #converted
            }
        };
        (run_fn, format_ident!("{}", kind.to_lowercase()))
    };
    let kind_meta = format_ident!("{kind}");
    let (matchers, matcher_checks) = matchers(args, &point);
    let patterns = patterns(&args.patterns);
    let patterns_check = patterns_allowed(args, &point);
    let (contract, contract_check) = contract(args, &point);
    // Spanned at the point's path, like every use of the point: when the
    // path names no hook point, each use fails at the same token for the
    // same reason, and the compiler reports it once.
    let registration = quote_spanned! {path.span()=>
        static __AGENTHOOKS_HOOK: ::agenthooks::__private::Hook<#point> = ::agenthooks::__private::#variant::<#point>(
            &::agenthooks::HookMeta {
                point: <#point as ::agenthooks::HookPoint>::NAME,
                name: #name,
                crate_name: ::agenthooks::__private::crate_of_module(::core::module_path!()),
                module: ::core::module_path!(),
                path: ::core::concat!(::core::module_path!(), "::", #name),
                tenant: #tenant,
                order: #order,
                timeout_ms: #timeout_ms,
                fallback: #fallback,
                kind: ::agenthooks::HookKind::#kind_meta,
                is_async: #is_async,
                mode: ::agenthooks::Mode::#mode,
                matchers: #matchers,
                patterns: #patterns,
                contract: #contract,
            },
            __agenthooks_run,
        );

        // The crate the hook is compiled in, as the compiler names it: no
        // other crate can name this type.
        struct __AgenthooksOrigin;
        impl ::agenthooks::__private::Origin for __AgenthooksOrigin {}

        ::agenthooks::__private::inventory::submit! {
            ::agenthooks::__private::HookRegistration::new::<#point, __AgenthooksOrigin>(&__AGENTHOOKS_HOOK)
        }
    };
    quote! {
        #item

        const _: () = {
            #fallback_check
            #matcher_checks
            #contract_check
            #patterns_check
            #run_fn
            #registration
        };
    }
}

/// The hook's contract, as `HookMeta::contract`, and its check against
/// the point's version. The check runs at const evaluation, spanned at the
/// user's version: a point that does not accept the hook fails the build
/// there, with a message naming both versions.
fn contract(args: &HookArgs, point: &TokenStream) -> (TokenStream, TokenStream) {
    let Some(VersionArg { major, minor, lit }) = &args.contract else {
        return (quote!(::core::option::Option::None), TokenStream::new());
    };
    let version = quote!(::agenthooks::contract::Version::new(#major, #minor));
    let named = args.point.to_token_stream().to_string().replace(' ', "");
    let check = quote_spanned! {lit.span()=>
        const _: () = {
            const PROBLEM: ::agenthooks::__private::ConstText = ::agenthooks::__private::contract_problem(
                #named,
                <#point as ::agenthooks::HookPoint>::VERSION,
                #version,
            );
            if !PROBLEM.is_empty() {
                ::core::panic!("{}", PROBLEM.as_str());
            }
        };
    };
    (quote!(::core::option::Option::Some(#version)), check)
}

/// A check, for each pattern the hook declares, that the point's hooks may
/// declare one (see `HookPoint::ALLOWS_PATTERNS`). It runs at const
/// evaluation, spanned at the user's key: a stream hook's pattern fails the
/// build there. A hook declaring no pattern gets no check.
fn patterns_allowed(args: &HookArgs, point: &TokenStream) -> TokenStream {
    let PatternArgs { rate_limit, retry, breaker, .. } = &args.patterns;
    let keys = [
        rate_limit.as_ref().map(|(key, _)| key),
        retry.as_ref().map(|(key, _)| key),
        breaker.as_ref().map(|(key, _)| key),
    ];
    let named = args.point.to_token_stream().to_string().replace(' ', "");
    let checks = keys.into_iter().flatten().map(|key| {
        let message = format!(
            "`{named}` hooks run once per event of a stream and take no rate limit, retry or breaker: remove `{key}`, and put the limit on the point that opens the stream, e.g. `#[hook(BeforeLlm, rate_limit = \"100/1m per tenant\")]`"
        );
        quote_spanned! {key.span()=>
            const _: () = {
                if !<#point as ::agenthooks::HookPoint>::ALLOWS_PATTERNS {
                    ::core::panic!("{}", #message);
                }
            };
        }
    });
    quote!(#(#checks)*)
}

/// The hook's matchers, as `HookMeta::matchers`, and a check of each key
/// against the point's keys. The check runs at const evaluation, spanned at
/// the user's key: a key that is not one of the point's fails the build
/// there, with a message naming the point's keys.
fn matchers(args: &HookArgs, point: &TokenStream) -> (TokenStream, TokenStream) {
    let entries = args.matchers.iter().map(|MatcherArg { key, pattern }| {
        let key = key.to_string();
        quote!(::agenthooks::Matcher { key: #key, pattern: #pattern })
    });
    let checks = args.matchers.iter().map(|MatcherArg { key, .. }| {
        let name = key.to_string();
        quote_spanned! {key.span()=>
            const _: () = {
                const PROBLEM: ::agenthooks::__private::ConstText = ::agenthooks::__private::matcher_key_problem(
                    <#point as ::agenthooks::HookPoint>::NAME,
                    <#point as ::agenthooks::HookPoint>::KEYS,
                    <#point as ::agenthooks::HookPoint>::FIELDS,
                    #name,
                );
                if !PROBLEM.is_empty() {
                    ::core::panic!("{}", PROBLEM.as_str());
                }
            };
        }
    });
    (quote!(&[#(#entries),*]), quote!(#(#checks)*))
}

/// The hook's patterns, as `HookMeta::patterns`: `None`, or a reference to
/// a constant (promoted to a `'static`, as the metadata is).
fn patterns(args: &PatternArgs) -> TokenStream {
    if args.is_empty() {
        return quote!(::core::option::Option::None);
    }
    let some = |tokens: Option<TokenStream>| {
        tokens.map_or_else(
            || quote!(::core::option::Option::None),
            |tokens| quote!(::core::option::Option::Some(#tokens)),
        )
    };
    let rate_limit = some(args.rate_limit.as_ref().map(|(_, RateLimitArg { limit, window_ms, per })| {
        let exceeded = args.exceeded.as_ref().map_or_else(|| quote!(Block), |(_, variant)| quote!(#variant));
        quote! {
            ::agenthooks::patterns::RateLimit {
                rate: ::agenthooks::__private::rate(#limit, #window_ms),
                per: ::agenthooks::patterns::Per::#per,
                exceeded: ::agenthooks::patterns::Exceeded::#exceeded,
            }
        }
    }));
    let retry = some(args.retry.as_ref().map(|(_, times)| {
        let backoff_ms = args.backoff_ms.as_ref().map_or(crate::patterns::DEFAULT_BACKOFF_MS, |(_, backoff)| *backoff);
        quote!(::agenthooks::__private::retry(#times, #backoff_ms))
    }));
    let breaker = some(args.breaker.as_ref().map(|(_, BreakerArg { failures, window_ms, probe_after_ms })| {
        quote!(::agenthooks::__private::breaker(#failures, #window_ms, #probe_after_ms))
    }));
    let store_down = args.store_down.as_ref().map_or_else(|| quote!(Fail), |(_, variant)| quote!(#variant));
    quote! {
        ::core::option::Option::Some({
            const __AGENTHOOKS_PATTERNS: ::agenthooks::patterns::Patterns = ::agenthooks::patterns::Patterns {
                rate_limit: #rate_limit,
                retry: #retry,
                breaker: #breaker,
                store_down: ::agenthooks::patterns::StoreDown::#store_down,
            };
            &__AGENTHOOKS_PATTERNS
        })
    }
}
