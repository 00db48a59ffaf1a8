//! Matchers' cost per call: a point with 1,000 hooks over 1,000 tool names
//! (500 exact names, 500 globs), one of them matching the call, against the
//! same point with one hook. Selection looks the call's tool up in a hash
//! map of exact names and one glob set, so it should not grow with the
//! hooks linked. Run with `cargo bench -p agenthooks --bench matchers`.

use std::borrow::Cow;
use std::hint::black_box;

use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
use baseline::{direct, AgentError};
use criterion::{criterion_group, criterion_main, Criterion};
use support::{in_bursts, TemporaryAudit};

#[path = "support/baseline.rs"]
mod baseline;
mod support;

macro_rules! point {
    ($point:ident, $function:ident) => {
        #[hookpoint($point)]
        #[inline(never)]
        fn $function(session: &Session, #[key] tool: Cow<'static, str>, value: u64) -> Result<u64, AgentError> {
            black_box((session, tool));
            Ok(value * 2)
        }
    };
}

point!(OneHook, one_hook);
point!(OneMatcher, one_matcher);
point!(Wide, wide);

/// One hook of `$point` per pattern, each adding 1 to the value; with no
/// pattern, one hook without a matcher.
macro_rules! hooks {
    ($point:ident) => {
        const _: () = {
            #[hook($point)]
            fn add(ctx: &mut Ctx<$point>) -> Outcome {
                ctx.value += 1;
                Outcome::Continue
            }
        };
    };
    ($point:ident: $($pattern:literal)*) => {
        $(
            const _: () = {
                #[hook($point, tool = $pattern)]
                fn add(ctx: &mut Ctx<$point>) -> Outcome {
                    ctx.value += 1;
                    Outcome::Continue
                }
            };
        )*
    };
}

hooks!(OneHook);
hooks!(OneMatcher: "fs_read");
hooks!(Wide:
    "tool_0" "tool_1" "tool_2" "tool_3" "tool_4" "tool_5" "tool_6" "tool_7" "tool_8" "tool_9" "tool_10" "tool_11"
    "tool_12" "tool_13" "tool_14" "tool_15" "tool_16" "tool_17" "tool_18" "tool_19" "tool_20" "tool_21" "tool_22"
    "tool_23" "tool_24" "tool_25" "tool_26" "tool_27" "tool_28" "tool_29" "tool_30" "tool_31" "tool_32" "tool_33"
    "tool_34" "tool_35" "tool_36" "tool_37" "tool_38" "tool_39" "tool_40" "tool_41" "tool_42" "tool_43" "tool_44"
    "tool_45" "tool_46" "tool_47" "tool_48" "tool_49" "tool_50" "tool_51" "tool_52" "tool_53" "tool_54" "tool_55"
    "tool_56" "tool_57" "tool_58" "tool_59" "tool_60" "tool_61" "tool_62" "tool_63" "tool_64" "tool_65" "tool_66"
    "tool_67" "tool_68" "tool_69" "tool_70" "tool_71" "tool_72" "tool_73" "tool_74" "tool_75" "tool_76" "tool_77"
    "tool_78" "tool_79" "tool_80" "tool_81" "tool_82" "tool_83" "tool_84" "tool_85" "tool_86" "tool_87" "tool_88"
    "tool_89" "tool_90" "tool_91" "tool_92" "tool_93" "tool_94" "tool_95" "tool_96" "tool_97" "tool_98" "tool_99"
    "tool_100" "tool_101" "tool_102" "tool_103" "tool_104" "tool_105" "tool_106" "tool_107" "tool_108" "tool_109"
    "tool_110" "tool_111" "tool_112" "tool_113" "tool_114" "tool_115" "tool_116" "tool_117" "tool_118" "tool_119"
    "tool_120" "tool_121" "tool_122" "tool_123" "tool_124" "tool_125" "tool_126" "tool_127" "tool_128" "tool_129"
    "tool_130" "tool_131" "tool_132" "tool_133" "tool_134" "tool_135" "tool_136" "tool_137" "tool_138" "tool_139"
    "tool_140" "tool_141" "tool_142" "tool_143" "tool_144" "tool_145" "tool_146" "tool_147" "tool_148" "tool_149"
    "tool_150" "tool_151" "tool_152" "tool_153" "tool_154" "tool_155" "tool_156" "tool_157" "tool_158" "tool_159"
    "tool_160" "tool_161" "tool_162" "tool_163" "tool_164" "tool_165" "tool_166" "tool_167" "tool_168" "tool_169"
    "tool_170" "tool_171" "tool_172" "tool_173" "tool_174" "tool_175" "tool_176" "tool_177" "tool_178" "tool_179"
    "tool_180" "tool_181" "tool_182" "tool_183" "tool_184" "tool_185" "tool_186" "tool_187" "tool_188" "tool_189"
    "tool_190" "tool_191" "tool_192" "tool_193" "tool_194" "tool_195" "tool_196" "tool_197" "tool_198" "tool_199"
    "tool_200" "tool_201" "tool_202" "tool_203" "tool_204" "tool_205" "tool_206" "tool_207" "tool_208" "tool_209"
    "tool_210" "tool_211" "tool_212" "tool_213" "tool_214" "tool_215" "tool_216" "tool_217" "tool_218" "tool_219"
    "tool_220" "tool_221" "tool_222" "tool_223" "tool_224" "tool_225" "tool_226" "tool_227" "tool_228" "tool_229"
    "tool_230" "tool_231" "tool_232" "tool_233" "tool_234" "tool_235" "tool_236" "tool_237" "tool_238" "tool_239"
    "tool_240" "tool_241" "tool_242" "tool_243" "tool_244" "tool_245" "tool_246" "tool_247" "tool_248" "tool_249"
    "tool_250" "tool_251" "tool_252" "tool_253" "tool_254" "tool_255" "tool_256" "tool_257" "tool_258" "tool_259"
    "tool_260" "tool_261" "tool_262" "tool_263" "tool_264" "tool_265" "tool_266" "tool_267" "tool_268" "tool_269"
    "tool_270" "tool_271" "tool_272" "tool_273" "tool_274" "tool_275" "tool_276" "tool_277" "tool_278" "tool_279"
    "tool_280" "tool_281" "tool_282" "tool_283" "tool_284" "tool_285" "tool_286" "tool_287" "tool_288" "tool_289"
    "tool_290" "tool_291" "tool_292" "tool_293" "tool_294" "tool_295" "tool_296" "tool_297" "tool_298" "tool_299"
    "tool_300" "tool_301" "tool_302" "tool_303" "tool_304" "tool_305" "tool_306" "tool_307" "tool_308" "tool_309"
    "tool_310" "tool_311" "tool_312" "tool_313" "tool_314" "tool_315" "tool_316" "tool_317" "tool_318" "tool_319"
    "tool_320" "tool_321" "tool_322" "tool_323" "tool_324" "tool_325" "tool_326" "tool_327" "tool_328" "tool_329"
    "tool_330" "tool_331" "tool_332" "tool_333" "tool_334" "tool_335" "tool_336" "tool_337" "tool_338" "tool_339"
    "tool_340" "tool_341" "tool_342" "tool_343" "tool_344" "tool_345" "tool_346" "tool_347" "tool_348" "tool_349"
    "tool_350" "tool_351" "tool_352" "tool_353" "tool_354" "tool_355" "tool_356" "tool_357" "tool_358" "tool_359"
    "tool_360" "tool_361" "tool_362" "tool_363" "tool_364" "tool_365" "tool_366" "tool_367" "tool_368" "tool_369"
    "tool_370" "tool_371" "tool_372" "tool_373" "tool_374" "tool_375" "tool_376" "tool_377" "tool_378" "tool_379"
    "tool_380" "tool_381" "tool_382" "tool_383" "tool_384" "tool_385" "tool_386" "tool_387" "tool_388" "tool_389"
    "tool_390" "tool_391" "tool_392" "tool_393" "tool_394" "tool_395" "tool_396" "tool_397" "tool_398" "tool_399"
    "tool_400" "tool_401" "tool_402" "tool_403" "tool_404" "tool_405" "tool_406" "tool_407" "tool_408" "tool_409"
    "tool_410" "tool_411" "tool_412" "tool_413" "tool_414" "tool_415" "tool_416" "tool_417" "tool_418" "tool_419"
    "tool_420" "tool_421" "tool_422" "tool_423" "tool_424" "tool_425" "tool_426" "tool_427" "tool_428" "tool_429"
    "tool_430" "tool_431" "tool_432" "tool_433" "tool_434" "tool_435" "tool_436" "tool_437" "tool_438" "tool_439"
    "tool_440" "tool_441" "tool_442" "tool_443" "tool_444" "tool_445" "tool_446" "tool_447" "tool_448" "tool_449"
    "tool_450" "tool_451" "tool_452" "tool_453" "tool_454" "tool_455" "tool_456" "tool_457" "tool_458" "tool_459"
    "tool_460" "tool_461" "tool_462" "tool_463" "tool_464" "tool_465" "tool_466" "tool_467" "tool_468" "tool_469"
    "tool_470" "tool_471" "tool_472" "tool_473" "tool_474" "tool_475" "tool_476" "tool_477" "tool_478" "tool_479"
    "tool_480" "tool_481" "tool_482" "tool_483" "tool_484" "tool_485" "tool_486" "tool_487" "tool_488" "tool_489"
    "tool_490" "tool_491" "tool_492" "tool_493" "tool_494" "tool_495" "tool_496" "tool_497" "tool_498" "tool_499"
);
hooks!(Wide:
    "glob_500_*" "glob_501_*" "glob_502_*" "glob_503_*" "glob_504_*" "glob_505_*" "glob_506_*" "glob_507_*"
    "glob_508_*" "glob_509_*" "glob_510_*" "glob_511_*" "glob_512_*" "glob_513_*" "glob_514_*" "glob_515_*"
    "glob_516_*" "glob_517_*" "glob_518_*" "glob_519_*" "glob_520_*" "glob_521_*" "glob_522_*" "glob_523_*"
    "glob_524_*" "glob_525_*" "glob_526_*" "glob_527_*" "glob_528_*" "glob_529_*" "glob_530_*" "glob_531_*"
    "glob_532_*" "glob_533_*" "glob_534_*" "glob_535_*" "glob_536_*" "glob_537_*" "glob_538_*" "glob_539_*"
    "glob_540_*" "glob_541_*" "glob_542_*" "glob_543_*" "glob_544_*" "glob_545_*" "glob_546_*" "glob_547_*"
    "glob_548_*" "glob_549_*" "glob_550_*" "glob_551_*" "glob_552_*" "glob_553_*" "glob_554_*" "glob_555_*"
    "glob_556_*" "glob_557_*" "glob_558_*" "glob_559_*" "glob_560_*" "glob_561_*" "glob_562_*" "glob_563_*"
    "glob_564_*" "glob_565_*" "glob_566_*" "glob_567_*" "glob_568_*" "glob_569_*" "glob_570_*" "glob_571_*"
    "glob_572_*" "glob_573_*" "glob_574_*" "glob_575_*" "glob_576_*" "glob_577_*" "glob_578_*" "glob_579_*"
    "glob_580_*" "glob_581_*" "glob_582_*" "glob_583_*" "glob_584_*" "glob_585_*" "glob_586_*" "glob_587_*"
    "glob_588_*" "glob_589_*" "glob_590_*" "glob_591_*" "glob_592_*" "glob_593_*" "glob_594_*" "glob_595_*"
    "glob_596_*" "glob_597_*" "glob_598_*" "glob_599_*" "glob_600_*" "glob_601_*" "glob_602_*" "glob_603_*"
    "glob_604_*" "glob_605_*" "glob_606_*" "glob_607_*" "glob_608_*" "glob_609_*" "glob_610_*" "glob_611_*"
    "glob_612_*" "glob_613_*" "glob_614_*" "glob_615_*" "glob_616_*" "glob_617_*" "glob_618_*" "glob_619_*"
    "glob_620_*" "glob_621_*" "glob_622_*" "glob_623_*" "glob_624_*" "glob_625_*" "glob_626_*" "glob_627_*"
    "glob_628_*" "glob_629_*" "glob_630_*" "glob_631_*" "glob_632_*" "glob_633_*" "glob_634_*" "glob_635_*"
    "glob_636_*" "glob_637_*" "glob_638_*" "glob_639_*" "glob_640_*" "glob_641_*" "glob_642_*" "glob_643_*"
    "glob_644_*" "glob_645_*" "glob_646_*" "glob_647_*" "glob_648_*" "glob_649_*" "glob_650_*" "glob_651_*"
    "glob_652_*" "glob_653_*" "glob_654_*" "glob_655_*" "glob_656_*" "glob_657_*" "glob_658_*" "glob_659_*"
    "glob_660_*" "glob_661_*" "glob_662_*" "glob_663_*" "glob_664_*" "glob_665_*" "glob_666_*" "glob_667_*"
    "glob_668_*" "glob_669_*" "glob_670_*" "glob_671_*" "glob_672_*" "glob_673_*" "glob_674_*" "glob_675_*"
    "glob_676_*" "glob_677_*" "glob_678_*" "glob_679_*" "glob_680_*" "glob_681_*" "glob_682_*" "glob_683_*"
    "glob_684_*" "glob_685_*" "glob_686_*" "glob_687_*" "glob_688_*" "glob_689_*" "glob_690_*" "glob_691_*"
    "glob_692_*" "glob_693_*" "glob_694_*" "glob_695_*" "glob_696_*" "glob_697_*" "glob_698_*" "glob_699_*"
    "glob_700_*" "glob_701_*" "glob_702_*" "glob_703_*" "glob_704_*" "glob_705_*" "glob_706_*" "glob_707_*"
    "glob_708_*" "glob_709_*" "glob_710_*" "glob_711_*" "glob_712_*" "glob_713_*" "glob_714_*" "glob_715_*"
    "glob_716_*" "glob_717_*" "glob_718_*" "glob_719_*" "glob_720_*" "glob_721_*" "glob_722_*" "glob_723_*"
    "glob_724_*" "glob_725_*" "glob_726_*" "glob_727_*" "glob_728_*" "glob_729_*" "glob_730_*" "glob_731_*"
    "glob_732_*" "glob_733_*" "glob_734_*" "glob_735_*" "glob_736_*" "glob_737_*" "glob_738_*" "glob_739_*"
    "glob_740_*" "glob_741_*" "glob_742_*" "glob_743_*" "glob_744_*" "glob_745_*" "glob_746_*" "glob_747_*"
    "glob_748_*" "glob_749_*" "glob_750_*" "glob_751_*" "glob_752_*" "glob_753_*" "glob_754_*" "glob_755_*"
    "glob_756_*" "glob_757_*" "glob_758_*" "glob_759_*" "glob_760_*" "glob_761_*" "glob_762_*" "glob_763_*"
    "glob_764_*" "glob_765_*" "glob_766_*" "glob_767_*" "glob_768_*" "glob_769_*" "glob_770_*" "glob_771_*"
    "glob_772_*" "glob_773_*" "glob_774_*" "glob_775_*" "glob_776_*" "glob_777_*" "glob_778_*" "glob_779_*"
    "glob_780_*" "glob_781_*" "glob_782_*" "glob_783_*" "glob_784_*" "glob_785_*" "glob_786_*" "glob_787_*"
    "glob_788_*" "glob_789_*" "glob_790_*" "glob_791_*" "glob_792_*" "glob_793_*" "glob_794_*" "glob_795_*"
    "glob_796_*" "glob_797_*" "glob_798_*" "glob_799_*" "glob_800_*" "glob_801_*" "glob_802_*" "glob_803_*"
    "glob_804_*" "glob_805_*" "glob_806_*" "glob_807_*" "glob_808_*" "glob_809_*" "glob_810_*" "glob_811_*"
    "glob_812_*" "glob_813_*" "glob_814_*" "glob_815_*" "glob_816_*" "glob_817_*" "glob_818_*" "glob_819_*"
    "glob_820_*" "glob_821_*" "glob_822_*" "glob_823_*" "glob_824_*" "glob_825_*" "glob_826_*" "glob_827_*"
    "glob_828_*" "glob_829_*" "glob_830_*" "glob_831_*" "glob_832_*" "glob_833_*" "glob_834_*" "glob_835_*"
    "glob_836_*" "glob_837_*" "glob_838_*" "glob_839_*" "glob_840_*" "glob_841_*" "glob_842_*" "glob_843_*"
    "glob_844_*" "glob_845_*" "glob_846_*" "glob_847_*" "glob_848_*" "glob_849_*" "glob_850_*" "glob_851_*"
    "glob_852_*" "glob_853_*" "glob_854_*" "glob_855_*" "glob_856_*" "glob_857_*" "glob_858_*" "glob_859_*"
    "glob_860_*" "glob_861_*" "glob_862_*" "glob_863_*" "glob_864_*" "glob_865_*" "glob_866_*" "glob_867_*"
    "glob_868_*" "glob_869_*" "glob_870_*" "glob_871_*" "glob_872_*" "glob_873_*" "glob_874_*" "glob_875_*"
    "glob_876_*" "glob_877_*" "glob_878_*" "glob_879_*" "glob_880_*" "glob_881_*" "glob_882_*" "glob_883_*"
    "glob_884_*" "glob_885_*" "glob_886_*" "glob_887_*" "glob_888_*" "glob_889_*" "glob_890_*" "glob_891_*"
    "glob_892_*" "glob_893_*" "glob_894_*" "glob_895_*" "glob_896_*" "glob_897_*" "glob_898_*" "glob_899_*"
    "glob_900_*" "glob_901_*" "glob_902_*" "glob_903_*" "glob_904_*" "glob_905_*" "glob_906_*" "glob_907_*"
    "glob_908_*" "glob_909_*" "glob_910_*" "glob_911_*" "glob_912_*" "glob_913_*" "glob_914_*" "glob_915_*"
    "glob_916_*" "glob_917_*" "glob_918_*" "glob_919_*" "glob_920_*" "glob_921_*" "glob_922_*" "glob_923_*"
    "glob_924_*" "glob_925_*" "glob_926_*" "glob_927_*" "glob_928_*" "glob_929_*" "glob_930_*" "glob_931_*"
    "glob_932_*" "glob_933_*" "glob_934_*" "glob_935_*" "glob_936_*" "glob_937_*" "glob_938_*" "glob_939_*"
    "glob_940_*" "glob_941_*" "glob_942_*" "glob_943_*" "glob_944_*" "glob_945_*" "glob_946_*" "glob_947_*"
    "glob_948_*" "glob_949_*" "glob_950_*" "glob_951_*" "glob_952_*" "glob_953_*" "glob_954_*" "glob_955_*"
    "glob_956_*" "glob_957_*" "glob_958_*" "glob_959_*" "glob_960_*" "glob_961_*" "glob_962_*" "glob_963_*"
    "glob_964_*" "glob_965_*" "glob_966_*" "glob_967_*" "glob_968_*" "glob_969_*" "glob_970_*" "glob_971_*"
    "glob_972_*" "glob_973_*" "glob_974_*" "glob_975_*" "glob_976_*" "glob_977_*" "glob_978_*" "glob_979_*"
    "glob_980_*" "glob_981_*" "glob_982_*" "glob_983_*" "glob_984_*" "glob_985_*" "glob_986_*" "glob_987_*"
    "glob_988_*" "glob_989_*" "glob_990_*" "glob_991_*" "glob_992_*" "glob_993_*" "glob_994_*" "glob_995_*"
    "glob_996_*" "glob_997_*" "glob_998_*" "glob_999_*"
);

fn matchers(c: &mut Criterion) {
    let _audit = TemporaryAudit::start();
    let session = Session::new("s-1");
    let tool = |name: &'static str| black_box(Cow::Borrowed(name));
    let mut group = c.benchmark_group("matchers");
    group.bench_function("direct", |b| b.iter(|| direct(&session, black_box(21))));
    group.bench_function("one_hook_without_matcher", |b| {
        in_bursts(b, 1, || one_hook(&session, tool("fs_read"), black_box(21)));
    });
    group.bench_function("one_hook_matching", |b| {
        in_bursts(b, 1, || one_matcher(&session, tool("fs_read"), black_box(21)));
    });
    group.bench_function("one_hook_not_matching", |b| {
        b.iter(|| one_matcher(&session, tool("shell"), black_box(21)));
    });
    group.bench_function("1000_hooks_one_exact_match", |b| {
        in_bursts(b, 1, || wide(&session, tool("tool_250"), black_box(21)));
    });
    group.bench_function("1000_hooks_one_glob_match", |b| {
        in_bursts(b, 1, || wide(&session, tool("glob_750_read"), black_box(21)));
    });
    group.bench_function("1000_hooks_none_matching", |b| {
        b.iter(|| wide(&session, tool("shell"), black_box(21)));
    });
    group.finish();
}

criterion_group!(benches, matchers);
criterion_main!(benches);
