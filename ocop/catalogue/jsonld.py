"""schema.org JSON-LD of a product page: the Product, its producer and the OCOP certification."""

import json

STATUS = {"valid": "CertificationActive", "expiring": "CertificationActive", "grace": "CertificationActive"}


def product(page, *, url: str, media: str) -> str:
    listing, p = page.listing, page.product
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "@id": url,
        "url": url,
        "name": p.name,
        "description": p.description[:1000],
        "category": f"OCOP {listing.star}★",
        "countryOfOrigin": {"@type": "Country", "name": "VN"},
        "manufacturer": {
            "@type": "Organization",
            "name": listing.producer_name,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": listing.commune_name,
                "addressRegion": listing.province_name,
                "addressCountry": "VN",
            },
        },
        "hasCertification": {
            "@type": "Certification",
            "name": f"OCOP {listing.star} sao",
            "certificationRating": {
                "@type": "Rating",
                "ratingValue": listing.star,
                "bestRating": 5,
                "worstRating": 3,
            },
            "certificationStatus": STATUS.get(page.status, "CertificationInactive"),
            "issuedBy": {"@type": "Organization", "name": _issuer(listing)},
        },
    }
    cert = data["hasCertification"]
    if listing.certificate_number:
        cert["certificationIdentification"] = listing.certificate_number
    if listing.recognised_on:
        cert["validFrom"] = listing.recognised_on.isoformat()
    if listing.valid_until:
        cert["expires"] = listing.valid_until.isoformat()
    if p.gtin:
        data["gtin"] = p.gtin.zfill(14)
    if page.photos:
        data["image"] = [media + ph.image.name for ph in page.photos[:5]]
    if p.price:
        data["offers"] = {"@type": "Offer", "price": p.price, "priceCurrency": "VND", "url": url}
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _issuer(listing) -> str:
    # QĐ 26/2026: 5★ is recognised by the Minister of Agriculture and Environment, 3–4★ by the province.
    if listing.star == 5:
        return "Bộ Nông nghiệp và Môi trường"
    name = listing.province_name
    return f"UBND {name[:1].lower()}{name[1:]}"  # "UBND tỉnh Điện Biên", "UBND thành phố Hà Nội"
