import Foundation
import LaurelSources
@testable import LaurelSite
import Testing

/// The people index sorts names with CoreFoundation directly (`Collation`): it must give the
/// order `String.compare(_:options:range:locale:)` gives, in both locales.
@Suite("Collation of names")
struct CollationTests {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤").map(String.init)
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国婷飞斌宇浩凯健俊帆鑫波琳晶欣雪琴").map(String.init)
    /// Names a department has, and the hard ones: Latin with and without accents and case,
    /// decomposed é, full-width letters, digits, spaces, a compatibility ideograph, kana, Hangul,
    /// an emoji, the same name twice (then the id decides).
    static let names: [String] = {
        var names: [String] = []
        for (i, s) in surnames.enumerated() { names.append(s + given[i % given.count]); names.append(s + given[(i * 7) % given.count] + given[i % given.count]) }
        names += ["Zhang Wei", "zhang wei", "Alice", "alice", "Émile", "E\u{301}mile", "Emile", "ＡＢＣ", "abc", "李娜 2", "李娜 10", "李 娜",
                  "\u{F900}", "豈", "かな", "がな", "한국", "🙂", "", " 李娜", "李娜", "李娜", "O'Brien", "Øyvind", "Ångström", "zoë"]
        return names
    }()

    @Test("CoreFoundation's order is Foundation's, for zh-CN and en", arguments: [PortalSettings.Locale.zhCN, .en])
    func sameOrder(_ locale: PortalSettings.Locale) {
        let items = CollationTests.names.enumerated().map { (index: $0.offset, name: $0.element, id: "p-\(1000 - $0.offset)") }
        let collation = Collation(locale)
        let direct = collation.sorted(items)
        #expect(direct == collation.byFoundation(items))
        #expect(Set(direct).count == items.count)
        // Shuffled input, same order: the sort is total.
        var shuffled = items
        var state: UInt64 = 42
        for i in shuffled.indices.reversed() {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            shuffled.swapAt(i, Int(state >> 33) % (i + 1))
        }
        #expect(collation.sorted(shuffled) == direct)
    }

    @Test("pinyin order in zh-CN: 安 before 李 before 王 before 张")
    func pinyin() {
        let items = ["张伟", "王芳", "李娜", "安琪"].enumerated().map { (index: $0.offset, name: $0.element, id: "x\($0.offset)") }
        #expect(Collation(.zhCN).sorted(items) == [3, 2, 1, 0])
    }
}
