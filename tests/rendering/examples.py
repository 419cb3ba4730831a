"""The facts each /2 example dossier holds, as its supplements' documents state them (table-driven).

Each entry is (dossier file, supplement key, facts): a fact is a phrase every rendition of that supplement must
contain. The phrases are the records' own figures, dates, names and words as our document writes them. Each
dossier also has distinctive tokens (issuer, file numbers, accession prefixes, people) that must appear in no
other dossier's documents.
"""

OFFERING_CLOSING = [
    "the statement in the most recently dated document controls",
    "you should rely only on the information contained in, or incorporated by reference into, this prospectus "
    "supplement and the prospectus",
    "Neither the Securities and Exchange Commission nor any state securities commission has approved or "
    "disapproved of these securities",
    "Filed Pursuant to Rule 424(b)(3)",
]

CEDAR_HOLLOW = [
    "CEDAR HOLLOW DIAGNOSTICS, INC.",
    "(To Prospectus Dated April 11, 2019)",
    "Registration No. 333-910512",
    "UP TO 6,000,000 SHARES OF OUR COMMON STOCK",
    'Our common stock trades on the OTCQB Venture Market under the symbol "CHDX".',
    '"Risk Factors" beginning on page 5 of our prospectus dated April 11, 2019 and "Risk Factors" beginning on '
    "page 11 of our Annual Report on Form 10-K for the fiscal year ended December 31, 2018",
    "On March 28, 2019, we filed with the SEC a registration statement on Form S-1",
    "the SEC declared it effective on April 10, 2019",
    "We amended the registration statement by Pre-Effective Amendment No. 1, filed on April 8, 2019.",
    "a unit offering, completed on March 15, 2019, in which we sold 4,000,000 units at $0.40 per unit",
    "Each unit comprises one share of our common stock, par value $.001 per share; and one-half of a five-year "
    "warrant to purchase one share of common stock at an exercise price of $0.50 per share, expiring March 15, 2024.",
    "registers for resale 6,000,000 shares of our common stock, consisting of 4,000,000 shares issued in the unit "
    "offering and 2,000,000 shares issuable upon exercise of the warrants at $0.50 per share",
    '"Selling Stockholders" section beginning on page 18 of the prospectus',
    'through negotiated transactions, as described under "Plan of Distribution" beginning on page 21 of the prospectus',
    "either on the OTCQB Venture Market at the then-prevailing market price",
    "We would receive up to $1,000,000.00 in total upon the exercise of all of the warrants.",
    "ATTACHED REPORT",
    "The text of the report is not reproduced in this document.",
    *OFFERING_CLOSING,
]

EXAMPLES = [
    (
        "periodic-report-attached.json",
        "supplement-1",
        [
            *CEDAR_HOLLOW,
            "Prospectus Supplement No. 1",
            "This prospectus supplement is dated May 14, 2019.",
            "This prospectus supplement attaches the Quarterly Report on Form 10-Q for the quarter ended March 31, "
            "2019.",
            "This prospectus supplement updates the prospectus dated April 11, 2019 with the information in our "
            "Quarterly Report on Form 10-Q for the quarterly period ended March 31, 2019, which we filed with the SEC "
            "on May 14, 2019. That report is attached to, and forms part of, this prospectus supplement.",
            "Form 10-Q. Period ended March 31, 2019. Filed with the SEC on May 14, 2019. Accession number "
            "0009901001-19-000013.",
        ],
    ),
    (
        "periodic-report-attached.json",
        "supplement-3",
        [
            *CEDAR_HOLLOW,
            "Prospectus Supplement No. 3",
            "This prospectus supplement is dated November 12, 2019.",
            "This prospectus supplement attaches the Quarterly Report on Form 10-Q for the quarter ended September 30, "
            "2019.",
            "our Quarterly Report on Form 10-Q for the quarterly period ended September 30, 2019, which we filed with "
            "the SEC on November 12, 2019",
            "On November 12, 2019, we filed with the Securities and Exchange Commission our Quarterly Report on Form "
            "10-Q for the quarter ended September 30, 2019. That report is attached to and forms part of this "
            "prospectus supplement.",
            "This prospectus supplement should be read together with the prospectus dated April 11, 2019 and "
            "Prospectus Supplements No. 1 and No. 2.",
            "Form 10-Q. Period ended September 30, 2019. Filed with the SEC on November 12, 2019. Accession number "
            "0009901001-19-000031.",
        ],
    ),
    (
        "holder-table-amendment.json",
        "supplement-1",
        [
            "Prospectus Supplement No. 1",
            "BRIGHTWATER ROBOTICS CORP.",
            "(To Prospectus Dated February 11, 2021)",
            "Registration No. 333-912611",
            "UP TO 6,400,000 SHARES OF OUR COMMON STOCK",
            'Our common stock trades on The Nasdaq Capital Market under the symbol "BWRC".',
            '"Risk Factors" beginning on page 6 of our prospectus dated February 11, 2021',
            "On February 1, 2021, we filed with the SEC a registration statement on Form S-3",
            "the SEC declared it effective on February 10, 2021",
            "a unit offering, completed on January 20, 2021, in which we sold 3,200,000 units at $1.00 per unit",
            "one share of our common stock, par value $.0001 per share; and one five-year warrant to purchase one "
            "share of common stock at an exercise price of $1.25 per share, expiring January 20, 2026",
            "registers for resale 6,400,000 shares of our common stock, consisting of 3,200,000 shares issued in the "
            "unit offering and 3,200,000 shares issuable upon exercise of the warrants at $1.25 per share",
            '"Plan of Distribution" beginning on page 17 of the prospectus',
            "We would receive up to $4,000,000.00 in total upon the exercise of all of the warrants.",
            "This prospectus supplement amends the selling stockholder table: Halvorsen Capital Partners LLC "
            "transferred all of its shares and Series B warrants to Halvorsen Opportunity Fund II, L.P., which is "
            "added as a selling stockholder; the holdings of Marlowe Street Opportunity Fund LP are amended.",
            "SELLING STOCKHOLDERS",
            'The table below amends the table under "Selling Stockholders" beginning on page 14 of the prospectus.',
            "It adds Halvorsen Opportunity Fund II, L.P. as a selling stockholder and amends the information for "
            "Marlowe Street Opportunity Fund LP.",
            "Halvorsen Capital Partners LLC is removed from the table and no longer named as a selling stockholder.",
            "Beneficial ownership is stated as of March 1, 2022.",
            "Percentages of the class are based on 27,500,000 shares of our common stock outstanding as of March 1, "
            "2022.",
            "Halvorsen Opportunity Fund II, L.P. (1)(2)(3)(5) 1,600,000 1,600,000 0 -",
            "Marlowe Street Opportunity Fund LP (2)(3)(4) 1,950,000 1,600,000 350,000 1.3%",
            "(1) Erik Halvorsen, managing member of Halvorsen Fund Management LLC, the general partner of the selling "
            "stockholder, has voting and dispositive power over these shares.",
            "(2) Includes shares issuable upon exercise of Series B warrants exercisable within 60 days of March 1, "
            "2022, which are treated as outstanding for this holder under Rule 13d-3(d)(1).",
            "(3) The Series B warrants may not be exercised to the extent the holder and its affiliates would "
            "beneficially own more than 4.99% of the outstanding common stock after the exercise.",
            "(4) The selling stockholder is an affiliate of Marlowe Street Securities LLC, a registered broker-dealer.",
            "(5) Acquired all of its shares and Series B warrants from Halvorsen Capital Partners LLC on February 15, "
            "2022, in a transfer permitted by the securities purchase agreement.",
            "The natural persons who have voting or dispositive power over the shares held by the selling "
            "stockholders named in the table are Erik Halvorsen (Halvorsen Opportunity Fund II, L.P.) and Priya Raman "
            "(Marlowe Street Opportunity Fund LP).",
            "Marlowe Street Opportunity Fund LP is an affiliate of a registered broker-dealer.",
            "This prospectus supplement is dated March 9, 2022.",
            *OFFERING_CLOSING,
        ],
    ),
    (
        "holder-table-restatement.json",
        "supplement-1",
        [
            "Prospectus Supplement No. 1",
            "NORTHFORK ENERGY STORAGE, INC.",
            "(To Prospectus Dated August 31, 2022)",
            "Registration No. 333-916912",
            "UP TO 16,200,000 SHARES OF OUR COMMON STOCK",
            'Our common stock trades on the OTCQX Best Market under the symbol "NFES".',
            '"Risk Factors" beginning on page 8 of our prospectus dated August 31, 2022',
            "On August 16, 2022, we filed with the SEC a registration statement on Form S-1",
            "the SEC declared it effective on August 30, 2022",
            "relates to our private placement of $6,000,000 of 8% Senior Secured Convertible Notes due 2025, closed "
            "June 30, 2022",
            "Our common stock has a par value of $.001 per share.",
            "The 8% Senior Secured Convertible Notes due 2025 were issued in an aggregate principal amount of "
            "$6,000,000.00, bear interest at 8% per year, and mature on June 30, 2025.",
            "They are convertible into shares of common stock at 2,500 shares per $1,000 of principal amount without "
            "further payment (a conversion price of $0.40 of principal amount per share).",
            'The terms of the securities are described under "Description of the Notes" beginning on page 36 of the '
            "prospectus.",
            "registers for resale 16,200,000 shares of our common stock, consisting of 15,000,000 shares issuable upon "
            "conversion of the 8% Senior Secured Convertible Notes due 2025 (from $6,000,000.00 principal amount) and "
            "1,200,000 other shares relating to the 8% Senior Secured Convertible Notes due 2025",
            '"Selling Securityholders" section beginning on page 31 of the prospectus',
            "We would receive no payment upon the conversion of the 8% Senior Secured Convertible Notes due 2025.",
            "This prospectus supplement restates the selling securityholder table as of March 31, 2023, after the "
            "conversion of $500,000 principal amount of notes in February 2023.",
            "TRANSACTIONS IN OUR SECURITIES",
            "On February 15, 2023, Adaeze N. Okafor converted $500,000.00 principal amount of the 8% Senior Secured "
            "Convertible Notes due 2025 into 1,250,000 shares of common stock.",
            "Converted $500,000 principal amount of notes into 1,250,000 shares of common stock at 2,500 shares per "
            "$1,000 of principal amount ($0.40 per share). The shares were sold under the prospectus.",
            "SELLING SECURITYHOLDERS",
            'The table below restates the table under "Selling Securityholders" beginning on page 31 of the '
            "prospectus and replaces it in full.",
            "for each of the three selling securityholders",
            "Beneficial ownership is stated as of March 31, 2023.",
            "Percentages of the class are based on 62,000,000 shares of our common stock outstanding as of March 31, "
            "2023.",
            "Percentages of notes are based on $5,500,000.00 aggregate principal amount of the 8% Senior Secured "
            "Convertible Notes due 2025 outstanding.",
            "Ridgeline Credit Opportunities Fund, L.P. (1)(2)(3) 7,500,000 7,500,000 0 - $3,000,000 $3,000,000 54.5%",
            "Tamarack Hill Partners LLC (2)(3) 4,250,000 3,750,000 500,000 * $1,500,000 $1,500,000 27.3%",
            "Adaeze N. Okafor (2) 2,500,000 2,500,000 0 - $1,000,000 $1,000,000 18.2%",
            "Total 14,250,000 13,750,000 500,000 $5,500,000 $5,500,000",
            "* Less than 1%.",
            "(1) Mara Lindqvist, managing member of Ridgeline Credit Advisors LLC, the general partner of the selling "
            "securityholder, has voting and dispositive power over these securities.",
            "(2) Shares issuable on conversion of the notes at 2,500 shares per $1,000 of principal amount; excludes "
            "shares issuable as interest.",
            "(3) The notes may not be converted to the extent the holder and its affiliates would beneficially own "
            "more than 9.99% of the outstanding common stock after the conversion.",
            "Mara Lindqvist (Ridgeline Credit Opportunities Fund, L.P.) and Jonah Whitcombe (Tamarack Hill Partners "
            "LLC)",
            "This prospectus supplement is dated April 4, 2023.",
            *OFFERING_CLOSING,
        ],
    ),
    (
        "warrant-repricing.json",
        "supplement-1",
        [
            "Prospectus Supplement No. 1",
            "KESTREL PEAK BIOSCIENCES, INC.",
            "(To Prospectus Dated October 16, 2020)",
            "Registration No. 333-914931",
            "UP TO 4,140,000 SHARES OF OUR COMMON STOCK",
            'Our common stock trades on The Nasdaq Capital Market under the symbol "KPBI".',
            '"Risk Factors" beginning on page 9 of our prospectus dated October 16, 2020',
            "On October 5, 2020, we filed with the SEC a registration statement on Form S-1",
            "the SEC declared it effective on October 15, 2020",
            "a unit offering, completed on September 15, 2020, in which we sold 2,000,000 units at $2.50 per unit",
            "one share of our common stock, par value $.0001 per share; and one Series A warrant to purchase one share "
            "of common stock at an exercise price of $2.75 per share, exercisable for 5 years, expiring September 15, "
            "2025",
            "Each placement agent warrant entitles its holder to purchase one share of common stock at an exercise "
            "price of $3.125 per share, is exercisable for 5 years, and expires on September 15, 2025.",
            "We issued the placement agent warrants to the placement agent as compensation.",
            'The terms of the securities are described under "Description of Securities" beginning on page 44 of the '
            "prospectus.",
            "registers for resale 4,140,000 shares of our common stock, consisting of 2,000,000 shares issued in the "
            "unit offering and 2,140,000 shares issuable upon exercise of the Series A warrants and upon exercise of "
            "the placement agent warrants (2,000,000 upon exercise of the Series A warrants at $2.75 per share and "
            "140,000 upon exercise of the placement agent warrants at $3.125 per share)",
            '"Selling Stockholders" section beginning on page 40 of the prospectus',
            "We would receive up to $5,937,500.00 in total upon the exercise of all of the Series A warrants and "
            "placement agent warrants, at the prices stated in the prospectus.",
            "This prospectus supplement announces the temporary reduction of the Series A warrant exercise price to "
            "$0.85 per share from June 5 through June 30, 2023, and the two-year extension of the Series A warrants "
            "to September 15, 2027. The placement agent warrants are not changed.",
            "CHANGES TO THE TERMS OF OUR WARRANTS",
            "This prospectus supplement announces changes to the terms of the Series A warrants.",
            "From June 5, 2023 through June 30, 2023, the exercise price of the Series A warrants is reduced from "
            "$2.75 to $0.85 per share.",
            "Series A warrants not exercised by 5:00 p.m., New York City time, on June 30, 2023 revert to the exercise "
            "price of $2.75 per share.",
            "The board of directors reduced the exercise price of the Series A warrants to $0.85 per share for "
            "warrants exercised for cash during the window.",
            "Effective June 5, 2023, the expiration date of the Series A warrants is extended from September 15, 2025 "
            "to September 15, 2027.",
            "The expiration date of every Series A warrant is extended by two years, to September 15, 2027.",
            "Temporary Reduction of Exercise Price and Extension of Series A Warrants",
            "On June 2, 2023, our board of directors approved a temporary reduction of the exercise price of all "
            "outstanding Series A warrants from $2.75 to $0.85 per share",
            "The terms of the placement agent warrants, including their exercise price of $3.125 per share and their "
            "expiration date of September 15, 2025, are not changed.",
            "This prospectus supplement is dated June 5, 2023.",
            *OFFERING_CLOSING,
        ],
    ),
    (
        "events.json",
        "supplement-1",
        [
            "Prospectus Supplement No. 1",
            "GRANITE SHOALS WATER TECHNOLOGIES, INC.",
            "(To Prospectus Dated January 11, 2017)",
            "Registration No. 333-915120",
            "UP TO 4,500,000 SHARES OF OUR COMMON STOCK",
            'Our common stock trades on the OTCQB Venture Market under the symbol "GSWT".',
            '"Risk Factors" beginning on page 4 of our prospectus dated January 11, 2017',
            "On December 15, 2016, we filed with the SEC a registration statement on Form S-1",
            "the SEC declared it effective on January 10, 2017",
            "a unit offering, completed on November 30, 2016, in which we sold 1,500 units at $1,000.00 per unit",
            "one share of our Series A Convertible Preferred Stock, stated value $1,000.00 per share, convertible into "
            "two thousand shares of common stock without further payment (a conversion price of $0.50 of stated value "
            "per share); and one thousand warrants to purchase one share of common stock at an exercise price of "
            "$0.75 per share, expiring November 30, 2021",
            "Our common stock has a par value of $.001 per share.",
            '"Description of Series A Preferred Stock" beginning on page 19 of the prospectus',
            "registers for resale 4,500,000 shares of our common stock, consisting of 4,500,000 shares issuable upon "
            "conversion of the Series A Convertible Preferred Stock and upon exercise of the warrants (3,000,000 upon "
            "conversion of the Series A Convertible Preferred Stock and 1,500,000 upon exercise of the warrants at "
            "$0.75 per share)",
            "We would receive up to $1,125,000.00 in total upon the exercise of all of the warrants and the conversion "
            "of all shares of the Series A Convertible Preferred Stock.",
            "This prospectus supplement reports warrant exercises, a conversion and a redemption of Series A preferred "
            "stock, a transfer of warrants and a new financing since January 1, 2018.",
            "TRANSACTIONS IN OUR SECURITIES",
            "This prospectus supplement reports the following six transactions in our securities.",
            "On January 8, 2018, Lakeshore Growth Partners, L.P. exercised warrants for 400,000 shares of common stock "
            "at $0.75 per share, and we received $300,000.00.",
            "On January 16, 2018, Lakeshore Growth Partners, L.P. converted shares of the Series A Convertible "
            "Preferred Stock into 500,000 shares of common stock.",
            "Converted 250 shares of Series A preferred stock (aggregate stated value $250,000) into 500,000 shares of "
            "common stock at the conversion price of $0.50 per share.",
            "On January 22, 2018, Benjamin T. Ostrowski exercised warrants for 100,000 shares of common stock at $0.75 "
            "per share, and we received $75,000.00.",
            "On February 1, 2018, we redeemed 200 shares of our Series A Convertible Preferred Stock held by Crestview "
            "Special Situations Fund Ltd. Redeemed 200 shares of Series A preferred stock at 110% of stated value, "
            "$220,000 in cash.",
            "The 400,000 shares of common stock issuable on their conversion will not be issued.",
            "On February 5, 2018, Benjamin T. Ostrowski transferred 150,000 warrants to Ostrowski Family Trust dated "
            "March 3, 2012.",
            "Gift of warrants to purchase 150,000 shares. The trust may sell the shares it receives on exercise under "
            "this prospectus.",
            "On February 9, 2018, we sold 500,000 shares of our common stock to Lakeshore Growth Partners, L.P. at "
            "$0.50 per share, for proceeds of $250,000.00.",
            "Sold 500,000 shares of common stock with Series B warrants to purchase 250,000 shares at $0.90 per share "
            "in a private placement. These securities are not offered by this prospectus.",
            "Recent Developments",
            "Since January 1, 2018, holders have exercised warrants for 500,000 shares of common stock, for proceeds "
            "to us of $375,000",
            "1,050 shares of Series A preferred stock remain outstanding.",
            "This prospectus supplement is dated February 14, 2018.",
            *OFFERING_CLOSING,
        ],
    ),
    (
        "financial-statements.json",
        "supplement-1",
        [
            "Prospectus Supplement No. 1",
            "LUMEN RIDGE SOFTWARE CORP.",
            "(To Prospectus Dated July 30, 2020)",
            "Registration No. 333-917876",
            "UP TO 10,000,000 SHARES OF OUR COMMON STOCK",
            'Our common stock trades on the OTC Pink Open Market under the symbol "LRSW".',
            '"Risk Factors" beginning on page 4 of our prospectus dated July 30, 2020',
            "On July 15, 2020, we filed with the SEC a registration statement on Form S-1",
            "the SEC declared it effective on July 29, 2020",
            "a unit offering, completed on June 30, 2020, in which we sold 5,000,000 units at $0.20 per unit",
            "one share of our common stock, par value $.0001 per share; and one three-year warrant to purchase one "
            "share of common stock at an exercise price of $0.30 per share, expiring June 30, 2023",
            "registers for resale 10,000,000 shares of our common stock, consisting of 5,000,000 shares issued in the "
            "unit offering and 5,000,000 shares issuable upon exercise of the warrants at $0.30 per share",
            '"Selling Stockholders" section beginning on page 22 of the prospectus',
            "We would receive up to $1,500,000.00 in total upon the exercise of all of the warrants.",
            "This prospectus supplement prints our unaudited condensed financial statements for the quarter ended "
            "June 30, 2020, from the Quarterly Report on Form 10-Q, which it also adds to the documents incorporated "
            "by reference.",
            "INCORPORATION OF CERTAIN INFORMATION BY REFERENCE",
            "we incorporate by reference into the prospectus, and into this prospectus supplement, our Quarterly "
            "Report on Form 10-Q for the quarterly period ended June 30, 2020 (filed on August 14, 2020).",
            "FINANCIAL STATEMENTS",
            "This prospectus supplement includes the following financial statements: Condensed Balance Sheet as of "
            "June 30, 2020 (unaudited); Condensed Statements of Operations for the period ended June 30, 2020 "
            "(unaudited); and Condensed Statement of Cash Flows for the period ended June 30, 2020 (unaudited).",
            "Basis of Presentation",
            "Results for the three months ended June 30, 2020 are not necessarily indicative of the results for the "
            "fiscal year ending March 31, 2021.",
            "CONDENSED BALANCE SHEET (UNAUDITED)",
            "Cash $ 1,184,250",
            "Total liabilities and stockholders' equity $ 1,841,850",
            "Accumulated deficit (5,458,870)",
            "Revenue $ 318,750 $ 241,200",
            "Net loss $(244,720) $(214,160)",
            "Net loss per share, basic and diluted $ (0.01) $ (0.01)",
            "Cash, end of period $ 1,184,250",
            "offering costs of $60,000 940,000",
            "This prospectus supplement is dated August 17, 2020.",
            *OFFERING_CLOSING,
        ],
    ),
    (
        "foreign-private-issuer.json",
        "supplement-1",
        [
            "Prospectus Supplement No. 1",
            "NORDAVIK MARINE BIOLOGICS ASA",
            "(To Prospectus Dated May 25, 2023)",
            "Registration No. 333-918850",
            "UP TO 30,000,000 ORDINARY SHARES",
            'Our ordinary shares trade on the Euronext Oslo Bors under the symbol "NMBIO" and our American Depositary '
            'Shares trade on The Nasdaq Global Market under the symbol "NDVK".',
            "Buying our ordinary shares carries a high degree of risk.",
            '"Risk Factors" beginning on page 12 of our prospectus dated May 25, 2023 and "Item 3.D. Risk Factors" '
            "beginning on page 6 of our Annual Report on Form 20-F for the fiscal year ended December 31, 2022",
            "On May 12, 2023, we filed with the SEC a registration statement on Form F-1",
            "the SEC declared it effective on May 24, 2023",
            "a unit offering, completed on April 20, 2023, in which we sold 2,000,000 units at $4.00 per unit",
            "Each unit comprises one American Depositary Share, representing ten ordinary shares; and one-half of a "
            "five-year warrant to purchase ten ordinary shares at an exercise price of $0.45 per share, expiring April "
            "20, 2028.",
            "Our ordinary shares have a nominal value of NOK 0.10 per share.",
            '"Description of American Depositary Shares" beginning on page 101 of the prospectus',
            "registers for resale 30,000,000 ordinary shares, consisting of 20,000,000 shares represented by American "
            "Depositary Shares issued in the unit offering and 10,000,000 shares issuable upon exercise of the "
            "warrants at $0.45 per share",
            'The ordinary shares are offered for the accounts of the selling shareholders named in the "Selling '
            'Shareholders" section beginning on page 88 of the prospectus.',
            "either on The Nasdaq Global Market at the then-prevailing market price",
            "We would receive up to $4,500,000.00 in total upon the exercise of all of the warrants.",
            "This prospectus supplement attaches the Report on Form 6-K furnished on August 24, 2023, with the "
            "unaudited interim condensed consolidated financial statements for the six months ended June 30, 2023.",
            "our Report on Form 6-K for the period ended June 30, 2023, which we furnished to the SEC on August 24, "
            "2023. That report is attached to, and forms part of, this prospectus supplement.",
            "On August 24, 2023, we furnished to the Securities and Exchange Commission a Report on Form 6-K",
            "Each ADS represents ten ordinary shares.",
            "Form 6-K. Period ended June 30, 2023. Furnished to the SEC on August 24, 2023. Accession number "
            "0009901007-23-000031.",
            "The text of the report is not reproduced in this document.",
            "This prospectus supplement is dated August 25, 2023.",
            *OFFERING_CLOSING,
        ],
    ),
    (
        "general-update.json",
        "general-update-2023-05",
        [
            "Prospectus Supplement No. 1",
            "SILVERLINE TRANSIT SYSTEMS, INC.",
            "(To Prospectus Dated April 13, 2023)",
            "Registration Nos. 333-920400 and 333-911234",
            "UP TO 8,600,000 SHARES OF OUR COMMON STOCK",
            'Our common stock trades on The Nasdaq Capital Market under the symbol "STSX".',
            '"Risk Factors" beginning on page 7 of our prospectus dated April 13, 2023',
            "On March 10, 2022, we filed with the SEC a registration statement on Form S-1",
            "the SEC declared it effective on April 4, 2022",
            "We amended the registration statement by Pre-Effective Amendment No. 1, filed on March 30, 2022; and "
            "Post-Effective Amendment No. 1, filed on April 3, 2023 and declared effective on April 12, 2023, which "
            "updated the prospectus for our Annual Report on Form 10-K for the fiscal year ended December 31, 2022.",
            "a unit offering, completed on March 2, 2022, in which we sold 2,500,000 units at $1.40 per unit",
            "one share of our common stock, par value $.0001 per share; and one warrant issued in March 2022 to "
            "purchase one share of common stock at an exercise price of $1.60 per share, exercisable for 5 years, "
            "expiring March 2, 2027",
            "registers for resale 5,000,000 shares of our common stock, consisting of 2,500,000 shares issued in the "
            "unit offering and 2,500,000 shares issuable upon exercise of the warrants issued in March 2022 at $1.60 "
            "per share",
            '"Selling Stockholders" section beginning on page 29 of the prospectus',
            '"Plan of Distribution" beginning on page 33 of the prospectus',
            "We would receive up to $4,000,000.00 in total upon the exercise of all of the warrants issued in March "
            "2022.",
            "The prospectus is a combined prospectus under Rule 429 under the Securities Act of 1933. It also relates "
            "to our registration statement on Form S-3 (Registration No. 333-911234), filed with the SEC on September "
            "14, 2020 and declared effective on September 23, 2020",
            "That registration statement registers for resale 3,600,000 shares of our common stock, consisting of "
            "1,800,000 shares issued in the unit offering completed on September 8, 2020 and 1,800,000 shares issuable "
            "upon exercise of the warrants issued in September 2020 at $2.10 per share.",
            "Under that registration statement, we would receive up to $3,780,000.00 in total upon the exercise of "
            "all of the warrants issued in September 2020.",
            "General update to the combined prospectus dated April 13, 2023: a new Chief Financial Officer and new "
            "principal executive offices; adds the Quarterly Report on Form 10-Q for the quarter ended March 31, 2023.",
            "RECENT DEVELOPMENTS",
            "Appointment of Chief Financial Officer",
            "On May 8, 2023, our board of directors appointed Helen M. Achebe as Chief Financial Officer, effective "
            "May 15, 2023. Ms. Achebe succeeds Gregory Lund, who remains with us as Vice President, Finance, through "
            "June 30, 2023.",
            "Principal Executive Offices",
            "Effective May 1, 2023, our principal executive offices are at 2200 Harbor Point Drive, Suite 400, "
            "Baltimore, Maryland 21230. Our telephone number is (410) 555-0142.",
            "INCORPORATION OF CERTAIN INFORMATION BY REFERENCE",
            "our Quarterly Report on Form 10-Q for the quarterly period ended March 31, 2023 (filed on May 12, 2023). "
            "We filed that report with the SEC after we last amended the registration statement on April 3, 2023.",
            "This prospectus supplement relates to the combined prospectus dated April 13, 2023, which, under Rule "
            "429, also relates to the shares of common stock registered by Registration Statement No. 333-911234.",
            "With this prospectus supplement we are delivering to you the prospectus and our Quarterly Report on Form "
            "10-Q for the quarterly period ended March 31, 2023 (filed on May 12, 2023)",
            "This prospectus supplement is dated May 15, 2023.",
            *OFFERING_CLOSING,
        ],
    ),
]

# Tokens only one dossier's documents may contain.
DISTINCT = {
    "periodic-report-attached.json": ["Cedar Hollow", "CEDAR HOLLOW", "333-910512", "0009901001-", "CHDX"],
    "holder-table-amendment.json": ["Brightwater", "BRIGHTWATER", "333-912611", "0009901002-", "Halvorsen", "BWRC"],
    "holder-table-restatement.json": ["Northfork", "NORTHFORK", "333-916912", "0009901003-", "Ridgeline", "NFES"],
    "warrant-repricing.json": ["Kestrel", "KESTREL", "333-914931", "0009901004-", "KPBI", "$0.85"],
    "events.json": ["Granite Shoals", "GRANITE SHOALS", "333-915120", "0009901005-", "Lakeshore", "Ostrowski"],
    "financial-statements.json": ["Lumen Ridge", "LUMEN RIDGE", "333-917876", "0009901006-", "1,184,250", "LRSW"],
    "foreign-private-issuer.json": ["Nordavik", "NORDAVIK", "333-918850", "0009901007-", "NDVK", "Oslo"],
    "general-update.json": ["Silverline", "SILVERLINE", "333-920400", "333-911234", "0009901008-", "Achebe"],
}
BESTNET_DISTINCT = ["BestNet", "BESTNET", "333-105026", "3,563,593", "21,439,058", "$1,781,796.50", "10-KSB"]
