//! `#[hook(Point, …)]`: the user's function, unchanged, plus a wrapper that
//! turns its return value into an outcome and an `inventory` registration.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::ItemFn;

use super::with_errors;
use crate::ast::{Hook, Kind};
use crate::attr::HookArgs;

const DEFAULT_ORDER: i32 = 100;
const DEFAULT_TIMEOUT_MS: u64 = 500;

pub(crate) fn hook(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(error) => {
            let error =
                syn::Error::new(error.span(), "`#[hook]` goes on an `fn` or `async fn` taking the point's context");
            return with_errors(input, &error);
        }
    };
    let parsed = syn::parse2::<HookArgs>(args).and_then(|args| Ok((args, Hook::new(item.clone())?)));
    match parsed {
        Ok((args, hook)) => expand(&args, &hook),
        Err(error) => with_errors(item, &error),
    }
}

fn expand(args: &HookArgs, hook: &Hook) -> TokenStream {
    let item = &hook.item;
    let ident = &item.sig.ident;
    let point = &args.point;
    let name = ident.to_string();
    let tenant = args
        .tenant
        .as_ref()
        .map_or_else(|| quote!(::core::option::Option::None), |tenant| quote!(::core::option::Option::Some(#tenant)));
    let order = args.order.unwrap_or(DEFAULT_ORDER);
    let timeout_ms = args.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    let fallback = args.fallback.as_ref().is_none_or(|fallback| fallback.value);
    let is_async = hook.is_async();

    let (kind, mutability, returns, cast) = match hook.kind {
        Kind::Interceptor => ("Interceptor", quote!(mut), quote!(InterceptorReturn), quote!(cast_mut)),
        Kind::Observer => ("Observer", quote!(), quote!(ObserverReturn), quote!(cast_ref)),
    };
    // Idents made here keep the call site's hygiene when spliced into code
    // spanned at the user's tokens (which may come from a `macro_rules!`).
    let ctx = quote!(ctx);
    let ctx_arg = match &hook.ctx_point {
        Some(ctx_point) => quote_spanned! {ctx_point.span()=>
            <#ctx_point as ::agenthooks::__private::ContextOf<#point>>::#cast(#ctx)
        },
        None => ctx.clone(),
    };
    let call = if is_async { quote!(#ident(#ctx_arg).await) } else { quote!(#ident(#ctx_arg)) };
    let converted = quote_spanned! {hook.ret_span=>
        <_ as ::agenthooks::__private::#returns>::into_hook_result(#call)
    };
    let (run_fn, variant) = if is_async {
        let async_check = quote_spanned! {item.sig.asyncness.span()=>
            const _: () = ::agenthooks::__private::assert_async_point::<#point>();
        };
        let run_fn = quote! {
            #async_check
            fn __agenthooks_run<'c>(
                #ctx: &'c #mutability ::agenthooks::Ctx<#point>,
            ) -> ::agenthooks::__private::HookFuture<'c> {
                ::agenthooks::__private::box_hook(async move { #converted })
            }
        };
        (run_fn, format_ident!("Async{kind}"))
    } else {
        let run_fn = quote! {
            fn __agenthooks_run(
                #ctx: &#mutability ::agenthooks::Ctx<#point>,
            ) -> ::core::result::Result<::agenthooks::Outcome, ::std::string::String> {
                #converted
            }
        };
        (run_fn, format_ident!("{kind}"))
    };
    let kind_meta = format_ident!("{kind}");
    quote! {
        #item

        const _: () = {
            #run_fn

            static __AGENTHOOKS_HOOK: ::agenthooks::__private::Hook<#point> = ::agenthooks::__private::Hook::new(
                ::agenthooks::HookMeta {
                    point: <#point as ::agenthooks::HookPoint>::NAME,
                    name: #name,
                    crate_name: ::core::env!("CARGO_CRATE_NAME"),
                    module: ::core::module_path!(),
                    path: ::core::concat!(::core::module_path!(), "::", #name),
                    tenant: #tenant,
                    order: #order,
                    timeout_ms: #timeout_ms,
                    fallback: #fallback,
                    kind: ::agenthooks::HookKind::#kind_meta,
                    is_async: #is_async,
                },
                ::agenthooks::__private::HookFn::#variant(__agenthooks_run),
            );

            ::agenthooks::__private::inventory::submit! {
                ::agenthooks::__private::HookRegistration::new::<#point>(&__AGENTHOOKS_HOOK)
            }
        };
    }
}
