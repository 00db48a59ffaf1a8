//! `#[hookpoint(Name)]`: the context struct `Name`, its `HookPoint` impl and
//! registration, and the function rewritten to run the point's hooks before
//! its body.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::LitStr;

use super::{parse_item, recover, with_errors};
use crate::ast::PointFn;
use crate::attr::PointArgs;
use crate::case::snake_case;
use crate::errors::Errors;
use crate::item::RawFn;

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
    if let (Some(args), Some(point)) = (args, point) {
        let (function, items) = expand(&args, &point);
        quote!(#items #function)
    } else {
        recover(&mut item);
        with_errors(item, &errors)
    }
}

/// The rewritten function, and the items that go beside it.
pub(super) fn expand(args: &PointArgs, point: &PointFn) -> (TokenStream, TokenStream) {
    (function(args, point), items(args, point))
}

/// The function: runs the point's hooks when any is linked, rebinds the
/// arguments as the hooks left them, then runs the original body.
fn function(args: &PointArgs, point: &PointFn) -> TokenStream {
    let PointFn { attrs, vis, sig, body, session, ret, .. } = point;
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
    let run = if point.is_async() {
        quote!(::agenthooks::__private::run_async::<#context>(#session, #context { #(#idents),* }).await)
    } else {
        quote!(::agenthooks::__private::run_sync::<#context>(#session, #context { #(#idents),* }))
    };
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
    let hooked = quote!(<#context as ::agenthooks::HookPoint>::table().is_hooked());
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
    quote! {
        #(#attrs)*
        #vis #sig {
            #rebind
            #body
        }
    }
}

/// The context struct, its `HookPoint` impl and its registration.
fn items(args: &PointArgs, point: &PointFn) -> TokenStream {
    let context = &args.ident;
    let vis = &point.vis;
    let fn_name = point.sig.ident.to_string();
    let name = args.name.as_ref().map_or_else(|| snake_case(&context.to_string()), LitStr::value);
    let struct_doc = format!(" The context of hook point `{name}`: the arguments of `{fn_name}`, one field each.");
    let method_docs = point.attrs.iter().filter(|attr| attr.path().is_ident("doc"));
    let fields = point.args.iter().map(|arg| {
        let (ident, ty) = (&arg.ident, &arg.ty);
        let doc = format!(" Argument `{ident}` of `{fn_name}`{}.", if arg.redact { " (redacted)" } else { "" });
        quote!(#[doc = #doc] pub #ident: #ty)
    });
    let field_names = point.args.iter().map(|arg| arg.ident.to_string());
    let redacted: Vec<_> = point.args.iter().filter(|arg| arg.redact).collect();
    let redacted_names = redacted.iter().map(|arg| arg.ident.to_string());
    // Each field is cloned by a call spanned at its argument's type: an
    // argument that is not `Clone` is reported there, once.
    let this = quote!(self);
    let cloned = point.args.iter().map(|arg| {
        let (ident, ty) = (&arg.ident, &arg.ty);
        let clone = quote_spanned!(arg.ty.span()=> <#ty as ::core::clone::Clone>::clone(&#this.#ident));
        quote!(#ident: #clone)
    });
    let redacted_text = (!redacted.is_empty()).then(|| {
        // Made here so that they keep the call site's hygiene inside the
        // code spanned at each argument's type.
        let (this, out) = (quote!(self), quote!(__agenthooks_out));
        let collect = redacted.iter().map(|arg| {
            let ident = &arg.ident;
            quote_spanned!(arg.ty.span()=> ::agenthooks::__private::redacted_text_of(&#this.#ident, &mut #out);)
        });
        quote! {
            fn redacted_text(&self) -> ::std::vec::Vec<::std::string::String> {
                let mut #out = ::std::vec::Vec::new();
                #(#collect)*
                #out
            }
        }
    });
    let is_async = point.is_async();
    let async_point = is_async.then(|| quote!(impl ::agenthooks::AsyncPoint for #context {}));
    let on_failure = args.on_failure.as_ref().map(|variant| quote!(::agenthooks::OnFailure::#variant));
    let on_failure = on_failure.unwrap_or_else(|| quote!(::agenthooks::OnFailure::Deny));
    let allows_fallback = args
        .on_failure
        .as_ref()
        .filter(|variant| *variant == "Continue")
        .map(|_| quote!(impl ::agenthooks::__private::AllowsFallback for #context {}));
    let compose = args.compose.as_ref().map_or_else(|| quote!(Chain), |variant| quote!(#variant));
    let algebra = algebra(point);
    quote! {
        #(#method_docs)*
        #[doc = #struct_doc]
        #[allow(clippy::pub_underscore_fields)] // named by the user's arguments, `_`-prefixed ones too
        #vis struct #context {
            #(#fields,)*
        }

        #[automatically_derived]
        impl ::core::clone::Clone for #context {
            fn clone(&self) -> Self {
                #context { #(#cloned,)* }
            }
        }

        impl ::agenthooks::HookPoint for #context {
            const NAME: &'static str = #name;
            const REDACTED: &'static [&'static str] = &[#(#redacted_names),*];
            const ON_FAILURE: ::agenthooks::OnFailure = #on_failure;
            const COMPOSE: ::agenthooks::Compose = ::agenthooks::Compose::#compose;

            fn table() -> &'static ::agenthooks::__private::PointTable<Self> {
                static __AGENTHOOKS_TABLE: ::agenthooks::__private::PointTable<#context> =
                    ::agenthooks::__private::PointTable::new();
                &__AGENTHOOKS_TABLE
            }

            #redacted_text
            #algebra
        }

        #async_point
        #allows_fallback

        ::agenthooks::__private::inventory::submit! {
            ::agenthooks::PointInfo {
                name: #name,
                module: ::core::module_path!(),
                fields: &[#(#field_names),*],
                is_async: #is_async,
            }
        }
    }
}

/// The methods the executor's decision algebra uses: each argument's
/// content for approval ids, which arguments a hook changed, and moving one
/// argument from a parallel hook's copy.
fn algebra(point: &PointFn) -> TokenStream {
    // Made here so that they keep the call site's hygiene.
    let (this, before, from, field, out) = (
        quote!(self),
        quote!(__agenthooks_before),
        quote!(__agenthooks_from),
        quote!(__agenthooks_field),
        quote!(__agenthooks_out),
    );
    let digests = point.args.iter().map(|arg| {
        let ident = &arg.ident;
        quote!((&&::agenthooks::__private::Field(&#this.#ident)).digest(#out))
    });
    let changes = point.args.iter().map(|arg| {
        let ident = &arg.ident;
        let name = ident.to_string();
        quote! {
            if (&&::agenthooks::__private::Pair(&#this.#ident, &#before.#ident)).changed() {
                #out.push(#name);
            }
        }
    });
    let takes = point.args.iter().map(|arg| {
        let ident = &arg.ident;
        let name = ident.to_string();
        quote!(#name => ::core::mem::swap(&mut #this.#ident, &mut #from.#ident),)
    });
    quote! {
        #[allow(unused_imports)]
        fn digest_args(&self, #out: &mut dyn ::core::ops::FnMut(&[u8])) -> bool {
            use ::agenthooks::__private::{DigestNothing as _, DigestSerialized as _};
            true #(&& #digests)*
        }

        #[allow(unused_imports, unused_variables)]
        fn changed_fields(&self, #before: &Self, #out: &mut ::std::vec::Vec<&'static str>) {
            use ::agenthooks::__private::{ChangedByEq as _, ChangedBySerialized as _, ChangedUnknown as _};
            #(#changes)*
        }

        #[allow(unused_variables)]
        fn take_field(&mut self, #from: &mut Self, #field: &str) {
            match #field {
                #(#takes)*
                _ => {}
            }
        }
    }
}
