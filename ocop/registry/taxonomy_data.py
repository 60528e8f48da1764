"""OCOP product classification, as versioned data (pure Python, no Django imports).

Shape: ``TAXONOMIES[version] = {"title", "sectors": [{"code", "name", "groups": [{"code", "name",
"sets": [{"number", "name", "scope"}]}]}]}``. ``CURRENT`` names the version in force.

Version "26/2026" — Quyết định 26/2026/QĐ-TTg (22/5/2026), checked line by line against
/work/shared/domain/qd-26-2026-qd-ttg.txt:
  * sectors (ngành, the decree calls them "nhóm sản phẩm") and groups (nhóm) with their numbering come
    from Phụ lục I "Danh mục phân loại sản phẩm tham gia đánh giá, phân hạng sản phẩm OCOP";
  * each product set (bộ sản phẩm) is a "phân nhóm" of Phụ lục I, or the "nhóm" itself where it has no
    phân nhóm; its number and name are those of the list of 26 bộ sản phẩm opening Phụ lục II (the
    names of the score sheets). Where Phụ lục I words the phân nhóm differently, the Phụ lục I wording
    is given in a comment on the line;
  * ``scope`` holds the product kinds the text lists for a set; only set 10 has such a list, the
    others are "".
  Known inconsistencies inside the decree (Phụ lục I followed here): the headers of score sheets 7 and 8
  say "Nhóm: Nông sản chế biến" (Phụ lục I: "Thực phẩm chế biến"); sheet 18 says "thuốc từ dược liệu";
  sheet 19 "Nhóm: Mỹ phẩm"; sheet 20 "Nhóm: Dược liệu khác"; sheets 23-25 give no group.

Version "1048/2019" — the classification used before QĐ 148/QĐ-TTg (2023), kept for old records.
  The act is Quyết định 1048/QĐ-TTg of 21/8/2019 (Thủ tướng Chính phủ), not a BNN-VPĐP decision;
  QĐ 26/2026 does not mention it and its text is not in the repository. Sources: the act's Article 1
  wording of the six ngành as quoted by several provincial / press pages ("thực phẩm; đồ uống; thảo
  dược; vải và may mặc; lưu niệm - nội thất - trang trí; dịch vụ du lịch nông thôn, bán hàng"), and
  two independent product-category lists of OCOP scoring software of 2020-2021 (a public SQL dump of
  ngành / nhóm / phân nhóm tables and the set filter of a provincial scoring site), which agree on
  6 ngành, 16 nhóm and 26 phân nhóm (bộ sản phẩm).
  Uncertain:
  * set numbers 1-26 are our own ordinal in appendix order (ngành, nhóm, phân nhóm a, b, ...); the
    2019 appendix lettered the phân nhóm per group and may not have numbered the sets 1-26;
  * the order of ngành IV and V: the Article 1 wording puts "vải và may mặc" before "lưu niệm - nội
    thất - trang trí" (followed here), one software list has them the other way round;
  * names of sectors and groups are taken from the Article 1 wording and the software lists, not from
    the 2019 appendix itself; the tourism group is "Dịch vụ du lịch cộng đồng và điểm du lịch" in one
    source and "Dịch vụ du lịch - truyền thống - lễ hội" in the other;
  * set 17 may read "nước uống đóng chai" rather than "nước uống tinh khiết" in the appendix.
"""

TAXONOMIES = {
    "26/2026": {
        "title": "Quyết định 26/2026/QĐ-TTg, Phụ lục I",
        "sectors": [
            {
                "code": "I",
                "name": "Thực phẩm",
                "groups": [
                    {
                        "code": "1",
                        "name": "Thực phẩm tươi sống",
                        "sets": [
                            {"number": 1, "name": "Rau, củ, quả, hạt tươi", "scope": ""},
                            {"number": 2, "name": "Thịt, thủy sản, trứng, sữa tươi", "scope": ""},
                        ],
                    },
                    {
                        "code": "2",
                        "name": "Thực phẩm thô, sơ chế",
                        "sets": [
                            {"number": 3, "name": "Gạo, ngũ cốc, hạt sơ chế khác", "scope": ""},
                            {
                                "number": 4,
                                "name": "Mật ong, mật khác và nông sản thực phẩm khác",
                                "scope": "",
                            },
                        ],
                    },
                    {
                        "code": "3",
                        "name": "Thực phẩm chế biến",
                        "sets": [
                            {"number": 5, "name": "Đồ ăn nhanh", "scope": ""},
                            {"number": 6, "name": "Chế biến từ gạo, ngũ cốc", "scope": ""},
                            {"number": 7, "name": "Chế biến từ rau, củ, quả, hạt", "scope": ""},
                            {
                                # Phụ lục I: "Chế biến từ thịt, trứng, sữa, thủy sản, các sản phẩm từ mật
                                # ong, mật khác và nông sản thực phẩm khác"
                                "number": 8,
                                "name": "Chế biến từ thịt, thủy sản, trứng, sữa, các sản phẩm từ mật ong, "
                                "mật khác và nông sản thực phẩm khác",
                                "scope": "",
                            },
                        ],
                    },
                    {
                        "code": "4",
                        "name": "Gia vị",
                        "sets": [
                            {"number": 9, "name": "Tương, nước mắm, gia vị dạng lỏng khác", "scope": ""},
                            # Phụ lục II list: "Gia vị khác (muối, hành, tỏi, tiêu)"; sheet 10 adds ",..."
                            {"number": 10, "name": "Gia vị khác", "scope": "muối, hành, tỏi, tiêu,..."},
                        ],
                    },
                    {
                        "code": "5",
                        "name": "Chè",
                        "sets": [
                            # Phụ lục I: "Chè tươi, chế biến"
                            {"number": 11, "name": "Chè tươi, chè chế biến", "scope": ""},
                            # Phụ lục I: "Sản phẩm chè từ thực vật khác"
                            {"number": 12, "name": "Sản phẩm trà từ thực vật khác", "scope": ""},
                        ],
                    },
                    {
                        "code": "6",
                        "name": "Cà phê, ca cao",
                        "sets": [
                            # Phụ lục II list: "Cà phê, cacao"; sheet 13 and Phụ lục I: "ca cao"
                            {"number": 13, "name": "Cà phê, ca cao", "scope": ""},
                        ],
                    },
                ],
            },
            {
                "code": "II",
                "name": "Đồ uống",
                "groups": [
                    {
                        "code": "1",
                        "name": "Đồ uống có cồn",
                        "sets": [
                            {"number": 14, "name": "Rượu trắng", "scope": ""},
                            {"number": 15, "name": "Đồ uống có cồn khác", "scope": ""},
                        ],
                    },
                    {
                        "code": "2",
                        "name": "Đồ uống không cồn",
                        "sets": [
                            {
                                "number": 16,
                                "name": "Nước khoáng thiên nhiên, nước uống đóng chai",
                                "scope": "",
                            },
                            # Phụ lục I: "Đồ uống không cồn"
                            {"number": 17, "name": "Đồ uống không cồn khác", "scope": ""},
                        ],
                    },
                ],
            },
            {
                "code": "III",
                "name": "Dược liệu và sản phẩm từ dược liệu",
                "groups": [
                    {
                        "code": "1",
                        "name": "Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền",
                        "sets": [
                            {
                                "number": 18,
                                "name": "Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền",
                                "scope": "",
                            },
                        ],
                    },
                    {
                        "code": "2",
                        "name": "Mỹ phẩm có thành phần từ dược liệu",
                        "sets": [
                            {"number": 19, "name": "Mỹ phẩm có thành phần từ dược liệu", "scope": ""},
                        ],
                    },
                    {
                        "code": "3",
                        "name": "Tinh dầu và dược liệu khác",
                        "sets": [
                            {"number": 20, "name": "Tinh dầu và dược liệu khác", "scope": ""},
                        ],
                    },
                ],
            },
            {
                "code": "IV",
                "name": "Hàng thủ công mỹ nghệ",
                "groups": [
                    {
                        "code": "1",
                        "name": "Thủ công mỹ nghệ gia dụng, trang trí",
                        "sets": [
                            # sheet 21 heading: "Thủ công mỹ nghệ gia dụng, trang trí"
                            {"number": 21, "name": "Thủ công mỹ nghệ", "scope": ""},
                        ],
                    },
                    {
                        "code": "2",
                        "name": "Vải, may mặc",
                        "sets": [
                            {"number": 22, "name": "Vải, may mặc", "scope": ""},
                        ],
                    },
                ],
            },
            {
                "code": "V",
                "name": "Sinh vật cảnh",
                "groups": [
                    {"code": "1", "name": "Hoa", "sets": [{"number": 23, "name": "Hoa", "scope": ""}]},
                    {
                        "code": "2",
                        "name": "Cây cảnh",
                        "sets": [{"number": 24, "name": "Cây cảnh", "scope": ""}],
                    },
                    {
                        "code": "3",
                        "name": "Động vật cảnh",
                        "sets": [{"number": 25, "name": "Động vật cảnh", "scope": ""}],
                    },
                ],
            },
            {
                "code": "VI",
                "name": "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
                "groups": [
                    {
                        "code": "1",
                        "name": "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
                        "sets": [
                            {
                                "number": 26,
                                "name": "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
                                "scope": "",
                            },
                        ],
                    },
                ],
            },
        ],
    },
    # Reconstructed, see the module docstring for sources and uncertainties.
    "1048/2019": {
        "title": "Quyết định 1048/QĐ-TTg ngày 21/8/2019, Phụ lục I",
        "sectors": [
            {
                "code": "I",
                "name": "Thực phẩm",
                "groups": [
                    {
                        "code": "1",
                        "name": "Thực phẩm tươi sống",
                        "sets": [
                            {"number": 1, "name": "Rau, củ, quả, hạt tươi", "scope": ""},
                            {"number": 2, "name": "Thịt, trứng, sữa tươi", "scope": ""},
                        ],
                    },
                    {
                        "code": "2",
                        "name": "Thực phẩm thô, sơ chế",
                        "sets": [
                            {"number": 3, "name": "Gạo, ngũ cốc", "scope": ""},
                            {"number": 4, "name": "Mật ong, các sản phẩm từ mật ong, mật khác", "scope": ""},
                        ],
                    },
                    {
                        "code": "3",
                        "name": "Thực phẩm chế biến",
                        "sets": [
                            {"number": 5, "name": "Đồ ăn nhanh", "scope": ""},
                            {"number": 6, "name": "Chế biến từ gạo, ngũ cốc", "scope": ""},
                            {"number": 7, "name": "Chế biến từ rau, củ, quả, hạt", "scope": ""},
                            {"number": 8, "name": "Chế biến từ thịt, trứng, sữa", "scope": ""},
                            {"number": 9, "name": "Chế biến từ thủy, hải sản", "scope": ""},
                        ],
                    },
                    {
                        "code": "4",
                        "name": "Gia vị",
                        "sets": [
                            {"number": 10, "name": "Tương, nước mắm, gia vị dạng lỏng khác", "scope": ""},
                            {"number": 11, "name": "Gia vị khác", "scope": ""},
                        ],
                    },
                    {
                        "code": "5",
                        "name": "Chè",
                        "sets": [
                            {"number": 12, "name": "Chè tươi, chế biến", "scope": ""},
                            {"number": 13, "name": "Các sản phẩm khác từ chè, trà", "scope": ""},
                        ],
                    },
                    {
                        "code": "6",
                        "name": "Cà phê, ca cao",
                        "sets": [{"number": 14, "name": "Cà phê, ca cao", "scope": ""}],
                    },
                ],
            },
            {
                "code": "II",
                "name": "Đồ uống",
                "groups": [
                    {
                        "code": "1",
                        "name": "Đồ uống có cồn",
                        "sets": [
                            {"number": 15, "name": "Rượu trắng", "scope": ""},
                            {"number": 16, "name": "Đồ uống có cồn khác", "scope": ""},
                        ],
                    },
                    {
                        "code": "2",
                        "name": "Đồ uống không cồn",
                        "sets": [
                            {
                                "number": 17,
                                "name": "Nước khoáng thiên nhiên, nước uống tinh khiết",
                                "scope": "",
                            },
                            {"number": 18, "name": "Đồ uống không cồn", "scope": ""},
                        ],
                    },
                ],
            },
            {
                "code": "III",
                "name": "Thảo dược",
                "groups": [
                    {
                        "code": "1",
                        "name": "Thực phẩm chức năng, thuốc từ dược liệu, thuốc Y học cổ truyền",
                        "sets": [
                            {
                                "number": 19,
                                "name": "Thực phẩm chức năng, thuốc từ dược liệu, thuốc Y học cổ truyền",
                                "scope": "",
                            },
                        ],
                    },
                    {
                        "code": "2",
                        "name": "Mỹ phẩm",
                        "sets": [{"number": 20, "name": "Mỹ phẩm", "scope": ""}],
                    },
                    {
                        "code": "3",
                        "name": "Trang thiết bị, dụng cụ y tế",
                        "sets": [{"number": 21, "name": "Trang thiết bị, dụng cụ y tế", "scope": ""}],
                    },
                    {
                        "code": "4",
                        "name": "Thảo dược khác",
                        "sets": [{"number": 22, "name": "Thảo dược khác", "scope": ""}],
                    },
                ],
            },
            {
                "code": "IV",
                "name": "Vải và may mặc",
                "groups": [
                    {
                        "code": "1",
                        "name": "Vải, may mặc",
                        "sets": [{"number": 23, "name": "Vải, may mặc", "scope": ""}],
                    },
                ],
            },
            {
                "code": "V",
                "name": "Lưu niệm - nội thất - trang trí",
                "groups": [
                    {
                        "code": "1",
                        "name": "Thủ công mỹ nghệ, trang trí",
                        "sets": [{"number": 24, "name": "Thủ công mỹ nghệ, trang trí", "scope": ""}],
                    },
                    {
                        "code": "2",
                        "name": "Thủ công mỹ nghệ gia dụng",
                        "sets": [{"number": 25, "name": "Thủ công mỹ nghệ gia dụng", "scope": ""}],
                    },
                ],
            },
            {
                "code": "VI",
                "name": "Dịch vụ du lịch nông thôn, bán hàng",
                "groups": [
                    {
                        "code": "1",
                        # other source: "Dịch vụ du lịch - truyền thống - lễ hội"
                        "name": "Dịch vụ du lịch cộng đồng và điểm du lịch",
                        "sets": [
                            {"number": 26, "name": "Dịch vụ du lịch cộng đồng và điểm du lịch", "scope": ""},
                        ],
                    },
                ],
            },
        ],
    },
}

CURRENT = "26/2026"
