//! The context struct of a point, its `HookPoint` impl and its registration.
//! One generator serves both points a `#[hookpoint]` may declare: the point
//! before the body, whose fields are the arguments, and the after point,
//! whose fields are the arguments and the body's result.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, Type};

use crate::ast::PointFn;
use crate::attr::PointArgs;

/// The name of the after point's field that holds the body's result.
pub(super) const RESULT_FIELD: &str = "result";

/// A context struct to generate.
pub(super) struct Context<'a> {
    pub(super) ident: &'a Ident,
    /// The point's name, e.g. `before_search`.
    name: String,
    /// The struct's doc comment: the method's own, then one line about the
    /// struct.
    docs: Vec<&'a Attribute>,
    doc: String,
    fields: Vec<Field<'a>>,
    /// The after point, which runs after the body.
    after: bool,
}

/// One field of a context struct.
struct Field<'a> {
    ident: Ident,
    ty: &'a Type,
    redact: bool,
    /// Marked `#[key]`: hooks may match on it.
    key: bool,
    doc: String,
    /// The expression that clones the field of `self`, spanned at its
    /// type: a field that cannot be cloned is reported there, once.
    clone: TokenStream,
}

impl<'a> Context<'a> {
    /// The point that runs before the body: one field per argument.
    pub(super) fn before(args: &'a PointArgs, point: &'a PointFn) -> Self {
        let fn_name = point.sig.ident.to_string();
        let name = args.point_name();
        let doc = format!(" The context of hook point `{name}`: the arguments of `{fn_name}`, one field each.");
        let docs = point.attrs.iter().filter(|attr| attr.path().is_ident("doc")).collect();
        Context { ident: &args.ident, name, docs, doc, fields: arguments(point), after: false }
    }

    /// The point that runs after the body, declared `after = ident`: the
    /// arguments as the body received them, then the body's result.
    pub(super) fn after(ident: &'a Ident, name: String, point: &'a PointFn) -> Self {
        let fn_name = point.sig.ident.to_string();
        let doc = format!(
            " The context of after point `{name}`: the arguments of `{fn_name}` as its body received them, and the body's `{RESULT_FIELD}`, which the caller gets as the after hooks leave it."
        );
        let result = Ident::new(RESULT_FIELD, Span::call_site());
        let mut fields = arguments(point);
        fields.push(Field {
            clone: clone_result(point, &result),
            ident: result,
            ty: &point.ret,
            redact: false,
            key: false,
            doc: format!(" What `{fn_name}` returned."),
        });
        Context { ident, name, docs: Vec::new(), doc, fields, after: true }
    }
}

/// The fields of the arguments, in order.
fn arguments(point: &PointFn) -> Vec<Field<'_>> {
    let fn_name = point.sig.ident.to_string();
    // Made here so that it keeps the call site's hygiene inside the code
    // spanned at each argument's type.
    let this = quote!(self);
    let fields = point.args.iter().map(|arg| {
        let (ident, ty) = (&arg.ident, &arg.ty);
        let marks = match (arg.redact, arg.key) {
            (true, true) => " (redacted; a key hooks may match on)",
            (true, false) => " (redacted)",
            (false, true) => " (a key hooks may match on)",
            (false, false) => "",
        };
        let doc = format!(" Argument `{ident}` of `{fn_name}`{marks}.");
        let clone = quote_spanned!(ty.span()=> <#ty as ::core::clone::Clone>::clone(&#this.#ident));
        Field { ident: ident.clone(), ty, redact: arg.redact, key: arg.key, doc, clone }
    });
    fields.collect()
}

/// The clone of the after point's `result` field. When the return type is
/// written `Result<T, E>`, `T` and `E` are cloned each by a call spanned at
/// its own type, so that the one that is not `Clone` is reported there, in
/// the words of `AfterResult`; otherwise the whole result, at the return
/// type.
fn clone_result(point: &PointFn, result: &Ident) -> TokenStream {
    // Made here so that they keep the call site's hygiene.
    let (this, value, error) = (quote!(self), quote!(__agenthooks_value), quote!(__agenthooks_error));
    let copy = |ty: &Type, of: &TokenStream| quote_spanned!(ty.span()=> <#ty as ::agenthooks::__private::AfterResult>::copy(#of));
    match point.result_types() {
        Some((value_type, error_type)) => {
            let (value_copy, error_copy) = (copy(value_type, &value), copy(error_type, &error));
            quote! {
                match &#this.#result {
                    ::core::result::Result::Ok(#value) => ::core::result::Result::Ok(#value_copy),
                    ::core::result::Result::Err(#error) => ::core::result::Result::Err(#error_copy),
                }
            }
        }
        None => copy(&point.ret, &quote!(&#this.#result)),
    }
}

/// The context struct, its `HookPoint` impl and its registration; `args`
/// and `point` give what both points of a function share: visibility,
/// failure policy, composition, and whether hooks may be `async fn`.
pub(super) fn items(context: &Context<'_>, args: &PointArgs, point: &PointFn) -> TokenStream {
    let Context { ident, name, docs, doc, fields, after } = context;
    let vis = &point.context_vis;
    let non_exhaustive = &point.non_exhaustive;
    let declared = fields.iter().map(|field| {
        let (field, ty, doc) = (&field.ident, field.ty, &field.doc);
        quote!(#[doc = #doc] pub #field: #ty)
    });
    let field_names = fields.iter().map(|field| field.ident.to_string());
    let redacted: Vec<_> = fields.iter().filter(|field| field.redact).collect();
    let redacted_names = redacted.iter().map(|field| field.ident.to_string());
    let cloned = fields.iter().map(|field| {
        let (field, clone) = (&field.ident, &field.clone);
        quote!(#field: #clone)
    });
    let redacted_text = (!redacted.is_empty()).then(|| collect_redacted(&redacted));
    let is_async = point.is_async();
    // `do_not_recommend`: a type that is not a point gets the trait's own
    // message, not a list of the points that happen to be linked.
    let async_point =
        is_async.then(|| quote!(#[diagnostic::do_not_recommend] impl ::agenthooks::AsyncPoint for #ident {}));
    let on_failure = args.on_failure.as_ref().map(|variant| quote!(::agenthooks::OnFailure::#variant));
    let on_failure = on_failure.unwrap_or_else(|| quote!(::agenthooks::OnFailure::Deny));
    let allows_fallback =
        args.on_failure.as_ref().filter(|variant| *variant == "Continue").map(
            |_| quote!(#[diagnostic::do_not_recommend] impl ::agenthooks::__private::AllowsFallback for #ident {}),
        );
    let compose = args.compose.as_ref().map_or_else(|| quote!(Chain), |variant| quote!(#variant));
    let algebra = algebra(fields);
    let keys = keys(fields);
    let version = args.version.as_ref().map_or_else(
        || quote!(::core::option::Option::None),
        |version| {
            let (major, minor) = (version.major, version.minor);
            quote!(::core::option::Option::Some(::agenthooks::contract::Version::new(#major, #minor)))
        },
    );
    let single = args.single;
    let single_point = single.then(|| {
        quote! {
            ::agenthooks::__private::inventory::submit! {
                ::agenthooks::__private::SinglePoint::new::<#ident>()
            }
        }
    });
    quote! {
        #(#docs)*
        #[doc = #doc]
        #non_exhaustive
        #[allow(clippy::pub_underscore_fields)] // named by the user's arguments, `_`-prefixed ones too
        #vis struct #ident {
            #(#declared,)*
        }

        #[automatically_derived]
        impl ::core::clone::Clone for #ident {
            fn clone(&self) -> Self {
                #ident { #(#cloned,)* }
            }
        }

        #[diagnostic::do_not_recommend]
        impl ::agenthooks::HookPoint for #ident {
            const NAME: &'static str = #name;
            const REDACTED: &'static [&'static str] = &[#(#redacted_names),*];
            const ON_FAILURE: ::agenthooks::OnFailure = #on_failure;
            const COMPOSE: ::agenthooks::Compose = ::agenthooks::Compose::#compose;
            const FIELDS: &'static [&'static str] = &[#(#field_names),*];
            const VERSION: ::core::option::Option<::agenthooks::contract::Version> = #version;
            const SINGLE: bool = #single;
            const AFTER: bool = #after;

            fn table() -> &'static ::agenthooks::__private::PointTable<Self> {
                static __AGENTHOOKS_TABLE: ::agenthooks::__private::PointTable<#ident> =
                    ::agenthooks::__private::PointTable::new();
                &__AGENTHOOKS_TABLE
            }

            #redacted_text
            #algebra
            #keys
        }

        #async_point
        #allows_fallback

        ::agenthooks::__private::inventory::submit! {
            ::agenthooks::PointInfo {
                name: #name,
                module: ::core::module_path!(),
                fields: <#ident as ::agenthooks::HookPoint>::FIELDS,
                is_async: #is_async,
                version: <#ident as ::agenthooks::HookPoint>::VERSION,
                single: #single,
            }
        }

        #single_point
    }
}

/// The method that collects the texts of the point's redacted arguments:
/// for each, every form its type has (see the runtime's `redact::forms`),
/// and a check, spanned at its type, that one of them found its text.
fn collect_redacted(redacted: &[&Field<'_>]) -> TokenStream {
    // Made here so that they keep the call site's hygiene inside the code
    // spanned at each argument's type.
    let (this, out) = (quote!(self), quote!(__agenthooks_out));
    let collect = redacted.iter().map(|Field { ident, ty, .. }| {
        let form = |method: &str| {
            let method = Ident::new(method, Span::call_site());
            quote!((&&::agenthooks::__private::Redacted(&#this.#ident)).#method(#out))
        };
        let (serialized, declared, displayed, debugged) =
            (form("serialized"), form("declared"), form("displayed"), form("debugged"));
        let found = quote_spanned!(ty.span()=> (#serialized, #declared));
        let check = quote_spanned!(ty.span()=> ::agenthooks::__private::text_found(&#this.#ident, #found));
        quote! {
            #check;
            #displayed;
            #debugged;
        }
    });
    quote! {
        #[allow(unused_imports)]
        fn redacted_text(&self, #out: &mut ::agenthooks::RedactedText) {
            use ::agenthooks::__private::{
                ByDebug as _, ByDisplay as _, ByRedactable as _, BySerialize as _, NoDebug as _, NoDisplay as _,
                NotRedactable as _, NotSerialized as _,
            };
            #(#collect)*
        }
    }
}

/// The point's key arguments, which hooks may match on: their names and
/// the method that reads them. Each is read through `KeyField`, at its
/// type, so that a key of a type hooks cannot match on is reported there.
fn keys(fields: &[Field<'_>]) -> TokenStream {
    let keys: Vec<_> = fields.iter().filter(|field| field.key).collect();
    if keys.is_empty() {
        return TokenStream::new();
    }
    let names = keys.iter().map(|field| field.ident.to_string());
    // The same bits as `changed_fields`: a point's 65th field and later
    // cannot be keys the executor watches, and never are in practice.
    let mask = fields
        .iter()
        .take(64)
        .enumerate()
        .filter(|(_, field)| field.key)
        .fold(0u64, |mask, (index, _)| mask | (1u64 << index));
    // Made here so that they keep the call site's hygiene.
    let (this, index) = (quote!(self), quote!(__agenthooks_index));
    let reads = keys.iter().enumerate().map(|(position, Field { ident, ty, .. })| {
        let read = quote_spanned!(ty.span()=> <#ty as ::agenthooks::__private::KeyField>::key_str(&#this.#ident));
        quote!(#position => #read,)
    });
    quote! {
        const KEYS: &'static [&'static str] = &[#(#names),*];
        const KEY_FIELDS: u64 = #mask;

        fn key(&self, #index: usize) -> ::core::option::Option<&str> {
            match #index {
                #(#reads)*
                _ => ::core::option::Option::None,
            }
        }
    }
}

/// The methods the executor's decision algebra uses: each field's content
/// for approval ids, which fields a hook changed, and moving one field from
/// a parallel hook's copy.
fn algebra(fields: &[Field<'_>]) -> TokenStream {
    // Made here so that they keep the call site's hygiene.
    let (this, before, from, field, out) = (
        quote!(self),
        quote!(__agenthooks_before),
        quote!(__agenthooks_from),
        quote!(__agenthooks_field),
        quote!(__agenthooks_out),
    );
    let digests =
        fields.iter().map(|Field { ident, .. }| quote!((&&::agenthooks::__private::Field(&#this.#ident)).digest(#out)));
    // One bit per field, in declaration order; a point's 65th field and
    // later are never reported as changed.
    let changes = fields.iter().take(64).enumerate().map(|(index, Field { ident, .. })| {
        let bit = 1u64 << index;
        quote! {
            if (&&::agenthooks::__private::Pair(&#this.#ident, &#before.#ident)).changed() {
                #out |= #bit;
            }
        }
    });
    let takes = fields
        .iter()
        .enumerate()
        .map(|(index, Field { ident, .. })| quote!(#index => ::core::mem::swap(&mut #this.#ident, &mut #from.#ident),));
    quote! {
        #[allow(unused_imports)]
        fn digest_args(&self, #out: &mut dyn ::core::ops::FnMut(&[u8])) -> bool {
            use ::agenthooks::__private::{DigestNothing as _, DigestSerialized as _};
            true #(&& #digests)*
        }

        #[allow(unused_imports, unused_variables, unused_mut)]
        fn changed_fields(&self, #before: &Self) -> u64 {
            use ::agenthooks::__private::{ChangedByEq as _, ChangedBySerialized as _, ChangedUnknown as _};
            let mut #out = 0;
            #(#changes)*
            #out
        }

        #[allow(unused_variables)]
        fn take_field(&mut self, #from: &mut Self, #field: usize) {
            match #field {
                #(#takes)*
                _ => {}
            }
        }
    }
}
