//! `#[hookpoint(Name, after = AfterName)]`: the context structs of the
//! point and of its after point (see `context`), and the function rewritten
//! to run the point's hooks before its body and the after point's on its
//! result.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use super::context::{items, Context, RESULT_FIELD};
use super::{parse_item, recover, with_errors};
use crate::ast::PointFn;
use crate::attr::PointArgs;
use crate::errors::Errors;
use crate::item::RawFn;
use crate::valid;

/// `#[hookpoint(args)]` on a free function `input`.
pub(crate) fn free_hookpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut item: RawFn = match parse_item(
        input,
        "`#[hookpoint]` goes on an `fn` or `async fn`, or on a method of an `#[agent]` impl block",
    ) {
        Ok(item) => item,
        Err(tokens) => return tokens,
    };
    let mut errors = Errors::default();
    let args = errors.check(syn::parse2::<PointArgs>(args));
    let point = errors.check(PointFn::new(item.clone(), false));
    let expanded = match (args, point) {
        (Some(args), Some(point)) => errors.check(expand(&args, &point)),
        _ => None,
    };
    if let Some((function, items)) = expanded {
        quote!(#items #function)
    } else {
        recover(&mut item);
        with_errors(item, &errors)
    }
}

/// The rewritten function, and the items that go beside it: the point's
/// context struct and, with `after = ...`, the after point's.
pub(super) fn expand(args: &PointArgs, point: &PointFn) -> syn::Result<(TokenStream, TokenStream)> {
    let before = Context::before(args, point);
    let mut generated = items(&before, args, point);
    let after = match args.after_point() {
        Some((ident, name)) => {
            valid::after_point(&point.ret, point.args.iter().map(|arg| &arg.ident), ident)?;
            let after = Context::after(ident, name, point);
            generated.extend(items(&after, args, point));
            Some(after.ident)
        }
        None => None,
    };
    Ok((function(args, point, after), generated))
}

/// The function: runs the point's hooks when any is linked, rebinds the
/// arguments as the hooks left them, then runs the original body; with an
/// after point, see [`after_body`].
fn function(args: &PointArgs, point: &PointFn, after: Option<&Ident>) -> TokenStream {
    let PointFn { attrs, vis, sig, body, ret, .. } = point;
    let context = &args.ident;
    let idents: Vec<_> = point.args.iter().map(|arg| &arg.ident).collect();
    // With an after point, the arguments are rebound once more, `mut` then.
    let bindings = point.args.iter().map(|arg| {
        let ident = &arg.ident;
        if arg.mutable && after.is_none() {
            quote!(mut #ident)
        } else {
            quote!(#ident)
        }
    });
    let run = run(point, context, &quote!(#(#idents),*));
    // `stop` infers the return type. When it is written `Result<T, E>`, `E`
    // is checked on its own and both are spanned at it: an `E` that cannot
    // carry a `HookError` is reported once, with the message that names the
    // fix.
    //
    // Idents made here keep the call site's hygiene when spliced into code
    // spanned at the user's tokens (which may come from a `macro_rules!`).
    let error = quote!(__agenthooks_error);
    let stop = if let Some(error_type) = point.error_type() {
        quote_spanned! {error_type.span()=>
            {
                ::agenthooks::__private::assert_hook_error_type::<#error_type>();
                return ::agenthooks::__private::stop(#error);
            }
        }
    } else {
        quote_spanned!(ret.span()=> return ::agenthooks::__private::stop(#error))
    };
    let hooked = quote!(<#context as ::agenthooks::HookPoint>::is_hooked());
    // The user's names are used here, `_`-prefixed ones too: hooks read
    // every argument. For the same reason a rebound argument that the body
    // does not read is not unused.
    let rebind = if idents.is_empty() {
        quote! {
            #[allow(clippy::used_underscore_binding)]
            if #hooked {
                if let ::core::result::Result::Err(#error) = #run {
                    #stop;
                }
            }
        }
    } else {
        quote! {
            #[allow(unused_variables, clippy::used_underscore_binding)]
            let (#(#bindings,)*) = if #hooked {
                match #run {
                    ::core::result::Result::Ok(#context { #(#idents),* }) => (#(#idents,)*),
                    ::core::result::Result::Err(#error) => #stop,
                }
            } else {
                (#(#idents,)*)
            };
        }
    };
    let body = after.map_or_else(|| quote!(#body), |after| after_body(args, point, after, &error, &stop));
    quote! {
        #(#attrs)*
        #vis #sig {
            #rebind
            #body
        }
    }
}

/// The body of a function with an after point. When the after point is
/// hooked, keeps a copy of the arguments as the body receives them (when it
/// is not, costs one atomic load); runs the body to its value, as a closure
/// or an `async` block so that an early `return` or `?` ends there too;
/// then runs the after point's hooks on the arguments and the result, and
/// returns the result as they leave it, or `stop`s with their `error`.
fn after_body(
    args: &PointArgs,
    point: &PointFn,
    after: &Ident,
    error: &TokenStream,
    stop: &TokenStream,
) -> TokenStream {
    let PointFn { body, ret, .. } = point;
    let context = &args.ident;
    let idents: Vec<_> = point.args.iter().map(|arg| &arg.ident).collect();
    let bindings = point.args.iter().map(|arg| {
        let ident = &arg.ident;
        if arg.mutable {
            quote!(mut #ident)
        } else {
            quote!(#ident)
        }
    });
    // Made here so that they keep the call site's hygiene.
    let (copy, snapshot, result, done) = (
        quote!(__agenthooks_args),
        quote!(__agenthooks_snapshot),
        quote!(__agenthooks_result),
        quote!(__agenthooks_after),
    );
    let result_field = Ident::new(RESULT_FIELD, Span::call_site());
    let hooked = quote!(<#after as ::agenthooks::HookPoint>::is_hooked());
    let value = if point.is_async() {
        quote!(::agenthooks::__private::after_body::<#ret, _>(async move #body).await)
    } else {
        quote!(::agenthooks::__private::call_body(move || -> #ret #body))
    };
    let run = run(point, after, &quote!(#(#idents,)* #result_field: #result));
    // The copy goes through the context struct's `Clone`, which reports an
    // argument that is not `Clone` at its type: no second error here.
    quote! {
        #[allow(unused_variables, clippy::used_underscore_binding)]
        let (#(#bindings,)* #snapshot,) = if #hooked {
            let #copy = #context { #(#idents),* };
            let #snapshot = ::core::clone::Clone::clone(&#copy);
            let #context { #(#idents),* } = #copy;
            (#(#idents,)* ::core::option::Option::Some(#snapshot),)
        } else {
            (#(#idents,)* ::core::option::Option::None,)
        };
        let #result: #ret = #value;
        #[allow(unused_variables, clippy::used_underscore_binding)]
        let #result = match #snapshot {
            ::core::option::Option::Some(#context { #(#idents),* }) => match #run {
                ::core::result::Result::Ok(#done) => #done.#result_field,
                ::core::result::Result::Err(#error) => #stop,
            },
            ::core::option::Option::None => #result,
        };
        #result
    }
}

/// Runs the hooks of `point_struct` on the struct made of `fields`.
///
/// An `async fn` point boxes the executor's future: held inline, it would
/// make the point's own future some 1.5 KB, copied on every call, hooked
/// or not; boxed, only a hooked call pays, with one allocation.
fn run(point: &PointFn, point_struct: &Ident, fields: &TokenStream) -> TokenStream {
    let session = &point.session;
    if point.is_async() {
        quote! {
            ::std::boxed::Box::pin(
                ::agenthooks::__private::run_async::<#point_struct>(#session, #point_struct { #fields })
            ).await
        }
    } else {
        quote!(::agenthooks::__private::run_sync::<#point_struct>(#session, #point_struct { #fields }))
    }
}
