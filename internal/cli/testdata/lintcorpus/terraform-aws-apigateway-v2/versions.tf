# Reconstructed for corsdoctor's lint corpus from terraform-aws-modules/terraform-aws-apigateway-v2 versions.tf
# at c1b61c309e1a253b75799f5e65afeadbd52b0267 (Apache-2.0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
