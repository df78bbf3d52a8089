import Testing
@testable import LaurelSite

/// The spreadsheet exports: BOM, RFC 4180 quoting, formula injection (docs/exports.md).
@Suite struct CSVFileTests {
    @Test func startsWithBOMAndEndsRecordsWithCRLF() {
        var csv = CSVFile(header: ["id", "points"])
        csv.append([.text("li-na"), .number(50)])
        #expect(csv.bytes == [0xEF, 0xBB, 0xBF] + Array("id,points\r\nli-na,50\r\n".utf8))
    }

    @Test func quotesFieldsWithCommasQuotesAndLineBreaks() {
        #expect(CSVFile.field("a,b") == "\"a,b\"")
        #expect(CSVFile.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVFile.field("two\nlines") == "\"two\nlines\"")
        #expect(CSVFile.field("cr\rhere") == "\"cr\rhere\"")
        #expect(CSVFile.field("张伟") == "张伟")
    }

    @Test func neutralisesEveryFormulaPrefix() {
        for prefix in ["=", "+", "-", "@", "\t", "\r"] {
            let out = CSVFile.field(prefix + "HYPERLINK(\"http://x\")")
            #expect(out.hasPrefix("'") || out.hasPrefix("\"'"), "prefix \(prefix.debugDescription) gave \(out)")
        }
        #expect(CSVFile.field("=1+1") == "'=1+1")
        #expect(CSVFile.field("-20") == "'-20")
        #expect(CSVFile.field("a=b") == "a=b")
    }

    @Test func numbersStayNumbers() {
        var csv = CSVFile(header: ["score"])
        csv.append([.number(-20)])
        csv.append([.optional(nil)])
        #expect(String(decoding: csv.bytes.dropFirst(3), as: UTF8.self) == "score\r\n-20\r\n\r\n")
    }
}
