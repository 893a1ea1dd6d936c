//! Floats from and to decimal text, for the WebAssembly builds.
//!
//! The standard library's `str::parse::<f64>` is fast on every input, and
//! for that links an 11 KB table of powers of five (Eisel-Lemire); its
//! `Display` of floats links Grisu with its own tables and Dragon4 besides:
//! together 22 KB of the gzipped engine module. YAML floats are rare in
//! manifests, so the wasm builds take the slow, small road: exact big
//! integer arithmetic, giving the standard library's results (parsing
//! rounds to nearest, ties to even; display is the shortest text that reads
//! back as the same float, as Dragon4 finds it). Native builds call the
//! standard library, and the tests compare both.

/// The `f64` nearest to `text`, which matches
/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (the caller
/// checked it); `None` otherwise.
pub fn parse(text: &str) -> Option<f64> {
    // The standard library stops counting a written exponent at 65,536, so
    // a scalar of more digits than that can come out wrong (`"1" + 655,360
    // zeros + "e-655360"` parses as infinity): long ones take the exact
    // road natively too, so that every build reads them alike.
    if cfg!(target_arch = "wasm32") || text.len() > 32 * 1024 {
        exact(text)
    } else {
        text.parse().ok()
    }
}

/// `f.to_string()`.
pub fn display(f: f64) -> String {
    if cfg!(target_arch = "wasm32") {
        shown_f64(f)
    } else {
        f.to_string()
    }
}

/// `f.to_string()` of an `f32`.
pub fn display_f32(f: f32) -> String {
    if cfg!(target_arch = "wasm32") {
        shown_f32(f)
    } else {
        f.to_string()
    }
}

/// What `display` gives in the wasm builds.
fn shown_f64(f: f64) -> String {
    let bits = f.to_bits();
    shown(bits >> 63 != 0, f.is_nan(), f.is_infinite(), bits & ((1 << 52) - 1), (bits >> 52) as i32 & 0x7ff, 52, 1075)
}

/// What `display_f32` gives in the wasm builds.
fn shown_f32(f: f32) -> String {
    let bits = u64::from(f.to_bits());
    shown(bits >> 31 != 0, f.is_nan(), f.is_infinite(), bits & ((1 << 23) - 1), (bits >> 23) as i32 & 0xff, 23, 150)
}

/// A float as `Display` writes it, from its fields: `fraction` of
/// `fraction_bits` bits, the biased `exponent`, and the `bias` that makes
/// `fraction` an integer (1075 for `f64`: the value is `1.fraction ×
/// 2^(exponent - bias)` scaled, as `integer_decode` has it).
fn shown(
    negative: bool,
    nan: bool,
    infinite: bool,
    fraction: u64,
    exponent: i32,
    fraction_bits: u32,
    bias: i32,
) -> String {
    let sign = if negative { "-" } else { "" };
    if nan {
        return "NaN".into();
    }
    if infinite {
        return format!("{sign}inf");
    }
    if exponent == 0 && fraction == 0 {
        return format!("{sign}0");
    }
    // The value is `mant × 2^exp`; every number within `minus` below or
    // `plus` above (in that unit) reads back as it (the ends too when
    // `inclusive`, as the standard library decides it): half the gap to
    // each neighbour, and the gap below a power of two is half the one above.
    let (mant, minus, plus, exp, inclusive) = match (exponent, fraction) {
        // A subnormal, scaled as `integer_decode` does (hence even).
        (0, _) => (fraction << 1, 1, 1, -bias, true),
        (_, 0) => (1 << (fraction_bits + 2), 1, 2, exponent - bias - 2, true),
        _ => ((fraction | 1 << fraction_bits) << 1, 1, 1, exponent - bias - 1, fraction & 1 == 0),
    };
    let (digits, point) = shortest(mant, minus, plus, exp, inclusive);
    // `0.digits × 10^point`, written out in full.
    let point_at = usize::try_from(point).unwrap_or(0);
    let mut text = String::from(sign);
    if point <= 0 {
        text.push_str("0.");
        text.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        text.push_str(&digits);
    } else if point_at < digits.len() {
        text.push_str(&digits[..point_at]);
        text.push('.');
        text.push_str(&digits[point_at..]);
    } else {
        text.push_str(&digits);
        text.extend(std::iter::repeat_n('0', point_at - digits.len()));
    }
    text
}

/// The shortest digits `d` (and `point`) with `0.d × 10^point` within
/// `mant - minus ..= mant + plus` (× 2^exp; the ends only when
/// `inclusive`), the closest to `mant` of them: Burger and Dybvig's free-format
/// algorithm (Dragon4), as the standard library runs it.
fn shortest(mant: u64, minus: u64, plus: u64, exp: i32, inclusive: bool) -> (String, i32) {
    // `a` before `b` in the interval's sense: `a <= b` when inclusive.
    let before = |a: &Big, b: &Big| {
        let order = a.compare(b);
        order.is_lt() || (inclusive && order.is_eq())
    };
    let big = |n: u64| Big(vec![n as u32, (n >> 32) as u32]);
    let (mut mant, mut minus, mut plus, mut scale) = (big(mant), big(minus), big(plus), Big::from(1));
    if exp < 0 {
        scale.shift_left(exp.unsigned_abs() as usize);
    } else {
        for n in [&mut mant, &mut minus, &mut plus] {
            n.shift_left(exp as usize);
        }
    }
    let sum = |a: &Big, b: &Big| {
        let mut s = a.clone();
        s.add(b);
        s
    };
    // Scale so that `scale` is the power of ten just past the interval's top.
    let mut point = 0;
    while before(&scale, &sum(&mant, &plus)) {
        scale.mul_add(10, 0);
        point += 1;
    }
    loop {
        let mut tenth = sum(&mant, &plus);
        tenth.mul_add(10, 0);
        if before(&scale, &tenth) {
            break;
        }
        for n in [&mut mant, &mut minus, &mut plus] {
            n.mul_add(10, 0);
        }
        point -= 1;
    }
    let mut digits = Vec::new();
    let (down, up) = loop {
        for n in [&mut mant, &mut minus, &mut plus] {
            n.mul_add(10, 0);
        }
        let mut digit = b'0';
        while !mant.compare(&scale).is_lt() {
            mant.subtract(&scale);
            digit += 1;
        }
        digits.push(digit);
        let (down, up) = (before(&mant, &minus), before(&scale, &sum(&mant, &plus)));
        if down || up {
            break (down, up);
        }
    };
    let mut twice = mant.clone();
    twice.shift_left(1);
    if up && (!down || !twice.compare(&scale).is_lt()) {
        // The last digit up, carried (9.99 to 10.0).
        match digits.iter().rposition(|&d| d != b'9') {
            Some(i) => {
                digits[i] += 1;
                digits.truncate(i + 1);
            }
            None => {
                digits = vec![b'1'];
                point += 1;
            }
        }
    }
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (String::from_utf8(digits).unwrap_or_default(), point)
}

/// The nearest `f64`, by big integers: the value is `digits × 10^exponent`
/// exactly; its 54 or 55 leading bits and whether any bit is left past them
/// decide the rounding.
pub(super) fn exact(text: &str) -> Option<f64> {
    let (negative, text) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let is_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !is_digits(whole) || !is_digits(fraction) {
        return None;
    }
    // The exponent, saturated far past where every value is 0 or infinite.
    let mut power: i64 = match exponent {
        None => 0,
        Some(e) => {
            let (sign, digits) = match e.as_bytes().first()? {
                b'-' => (-1, &e[1..]),
                b'+' => (1, &e[1..]),
                _ => (1, e),
            };
            if digits.is_empty() || !is_digits(digits) {
                return None;
            }
            sign * digits.bytes().fold(0i64, |n, b| (n * 10 + i64::from(b - b'0')).min(1 << 40))
        }
    };
    power -= fraction.len() as i64;
    let digits = whole.bytes().chain(fraction.bytes()).skip_while(|&b| b == b'0');
    // Clinger's fast path: up to 15 significant digits make an integer an
    // f64 holds exactly, as it holds 10^0 to 10^22, so one multiplication
    // or division, rounded once by the hardware, gives the nearest float.
    // Nearly every float a manifest holds is taken here, in nanoseconds
    // rather than the microseconds of big integers.
    if power.unsigned_abs() < EXACT_POWERS.len() as u64 && digits.clone().take(16).count() <= 15 {
        let whole = digits.fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) as f64;
        let scale = EXACT_POWERS[power.unsigned_abs() as usize];
        let magnitude = if power < 0 { whole / scale } else { whole * scale };
        return Some(if negative { -magnitude } else { magnitude });
    }
    // The first 800 significant digits decide the rounding (a halfway
    // point between two floats has at most 767): later ones only say
    // whether anything follows, as one more digit 1 does. So a long
    // scalar costs no more than that.
    let mut number = Big::default();
    let (mut count, mut more) = (0i64, false);
    for digit in digits {
        if count < 800 {
            number.mul_add(10, u32::from(digit - b'0'));
        } else {
            more |= digit != b'0';
            power += 1;
        }
        count += 1;
    }
    if more {
        number.mul_add(10, 1);
        power -= 1;
    }
    // The digits in `number`: the value is below 10^(count + power).
    let count = count.min(800) + i64::from(more);
    let magnitude = if number.is_zero() {
        0.0
    } else if count + power > 310 {
        // At least 10^310: past f64::MAX.
        f64::INFINITY
    } else if count + power < -330 {
        // Below 10^-330: under half the smallest subnormal (4.9e-324).
        0.0
    } else {
        nearest(number, power)
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The powers of ten an `f64` holds exactly.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// The `f64` nearest to `number × 10^power` (not zero, within range).
fn nearest(mut number: Big, power: i64) -> f64 {
    let mut scale = Big::from(1);
    for _ in 0..power.unsigned_abs() {
        if power > 0 { &mut number } else { &mut scale }.mul_add(10, 0);
    }
    // q = number × 2^shift / scale, with 54 or 55 bits.
    let shift = 54 - (number.bits() as i64 - scale.bits() as i64);
    if shift > 0 {
        number.shift_left(shift as usize);
    } else {
        scale.shift_left((-shift) as usize);
    }
    let (quotient, rest) = number.div_small_quotient(&scale, 56);
    let bits = 64 - i64::from(quotient.leading_zeros());
    // The value is about quotient × 2^-shift; its leading bit weighs
    // 2^(bits - 1 - shift). Bits are dropped down to a last bit of
    // 2^(leading - 52), or of 2^-1074 for a subnormal.
    let leading = bits - 1 - shift;
    let dropped = (shift + (leading - 52).max(-1074)) as u32;
    if dropped > 60 {
        return 0.0;
    }
    let (mut kept, left) = (quotient >> dropped, quotient & ((1u64 << dropped) - 1));
    let half = 1u64 << (dropped - 1);
    if left > half || (left == half && (rest || kept & 1 == 1)) {
        kept += 1;
    }
    let mut last = i64::from(dropped) - shift;
    if kept >> 53 != 0 {
        kept >>= 1;
        last += 1;
    }
    if kept >> 52 == 0 {
        // A subnormal (its last bit is 2^-1074), or 0.
        return f64::from_bits(kept);
    }
    let biased = last + 52 + 1023;
    if biased >= 2047 {
        return f64::INFINITY;
    }
    f64::from_bits(((biased as u64) << 52) | (kept & ((1 << 52) - 1)))
}

/// A natural number, in 32-bit limbs from the least significant.
#[derive(Clone, Default)]
struct Big(Vec<u32>);

impl From<u32> for Big {
    fn from(n: u32) -> Big {
        Big(vec![n])
    }
}

impl Big {
    fn is_zero(&self) -> bool {
        self.0.iter().all(|&limb| limb == 0)
    }

    /// `self = self × by + add`.
    fn mul_add(&mut self, by: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let n = u64::from(*limb) * u64::from(by) + carry;
            *limb = n as u32;
            carry = n >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn bits(&self) -> usize {
        let top = self.0.iter().rposition(|&limb| limb != 0);
        top.map_or(0, |i| i * 32 + 32 - self.0[i].leading_zeros() as usize)
    }

    fn shift_left(&mut self, by: usize) {
        let (limbs, bits) = (by / 32, by % 32);
        if bits != 0 {
            self.0.push(0);
            for i in (0..self.0.len()).rev() {
                let below = if i == 0 { 0 } else { self.0[i - 1] >> (32 - bits) };
                self.0[i] = (self.0[i] << bits) | below;
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    /// How `self` compares with `other`, limb by limb from the top.
    fn compare(&self, other: &Big) -> std::cmp::Ordering {
        let len = self.0.len().max(other.0.len());
        let limb = |b: &Big, i: usize| b.0.get(i).copied().unwrap_or(0);
        (0..len)
            .rev()
            .map(|i| limb(self, i).cmp(&limb(other, i)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    }

    /// `self += other`.
    fn add(&mut self, other: &Big) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        let mut carry = 0u64;
        for i in 0..self.0.len() {
            let n = u64::from(self.0[i]) + u64::from(other.0.get(i).copied().unwrap_or(0)) + carry;
            self.0[i] = n as u32;
            carry = n >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    /// `self -= other` (not more than `self`).
    fn subtract(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let n = i64::from(self.0[i]) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            self.0[i] = n as u32;
            borrow = i64::from(n < 0);
        }
    }

    /// `self / by` when it is below `2^bits` (at most 64), by shifts and
    /// subtractions, and whether anything is left over.
    fn div_small_quotient(mut self, by: &Big, bits: usize) -> (u64, bool) {
        let mut quotient = 0u64;
        for bit in (0..bits).rev() {
            let mut step = by.clone();
            step.shift_left(bit);
            if self.compare(&step).is_ge() {
                self.subtract(&step);
                quotient |= 1 << bit;
            }
        }
        (quotient, !self.is_zero())
    }
}

#[cfg(test)]
mod tests {
    use super::exact;

    /// Random 64-bit words from `seed` (xorshift64), the same each run.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    fn same(text: &str) {
        let expected: f64 = text.parse().unwrap();
        let got = exact(text).unwrap_or_else(|| panic!("{text}: not parsed"));
        assert_eq!(got.to_bits(), expected.to_bits(), "{text}: {got:e}, the standard library says {expected:e}");
    }

    #[test]
    fn hard_cases_round_as_the_standard_library() {
        for text in [
            "0", "0.0", "-0", "+0.0", "1", "1.", ".5", "-.5e3", "0.1", "0.3", "1e23", "8.5", "3.14159", "1e308",
            "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "2e-308",
            "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9e-324", "2.4703282292062327e-324",
            "2.4703282292062328e-324", "5e-324", "1e-400", "1e99999999999999999999", "1e-99999999999999999999",
            "9007199254740993", "9007199254740992.5", "9007199254740993.0000000000000000000001",
            "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
            "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000247032822920623272088284396434110686182529901307162382212792841250337753635104375932649918180817996189898282347722858865463328355177969898199387398005390939063150356595155702263922908583924491051844359318028499365361525003193704576782492193656236698636584807570015857692699037063119282795585513329278343384093519780155312465972635795746227664652728272200563740064854999770965994704540208281662262378573934507363390079677619305775067401763246736009689513405355374585166611342237666786041621596804619144672918403005300575308490487653917113865916462395249126236538818796362393732804238910186723484976682350898633885879256283027559956575244555072551893136908362547791869486679949683240497058210285131854513962138377228261454376934125320985913276672363281255",
            "00000000000000001.5", "10", "123456789012345678901234567890e-40",
            // Past the 800 digits kept: only whether a digit is not 0 counts.
            &format!("2.4703282292062327208828439643411068618252990130716238221279284125033775{}e-324", "0".repeat(900)),
            &format!("2.4703282292062327208828439643411068618252990130716238221279284125033775{}1e-324", "0".repeat(900)),
            &format!("9007199254740993{}", "0".repeat(1000)),
            &format!("9007199254740993{}1e-1000", "0".repeat(1000)),
            &format!("0.{}1e100000", "0".repeat(100_000)),
            &"9".repeat(200_000),
        ] {
            same(text);
        }
    }

    #[test]
    fn long_scalars_read_alike_in_every_build() {
        // Where the standard library's exponent count saturates, `parse`
        // takes the exact road: 10^655360 × 10^-655360 is 1.
        let one = format!("1{}e-655360", "0".repeat(655_360));
        assert_eq!(super::parse(&one), Some(1.0));
        let tenth = format!("0.{}1e700000", "0".repeat(700_000));
        assert_eq!(super::parse(&tenth), Some(0.1));
    }

    #[test]
    fn random_decimals_round_as_the_standard_library() {
        // xorshift: random digits, lengths and exponents, many of them on
        // or next to halfway points between two floats.
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let digits = 1 + next() % 25;
            let mut text: String = (0..digits).map(|_| char::from(b'0' + (next() % 10) as u8)).collect();
            if next() % 2 == 0 {
                let at = (next() % (digits + 1)) as usize;
                text.insert(at, '.');
            }
            let exponent = (next() % 700) as i64 - 350;
            text.push_str(&format!("e{exponent}"));
            same(&text);
        }
        for _ in 0..500 {
            // A float's exact decimal expansion, and it cut short.
            let float = f64::from_bits(next() % 0x7fef_ffff_ffff_ffff);
            let whole = format!("{float:.800e}");
            same(&whole);
            let (digits, exponent) = whole.split_once('e').unwrap();
            same(&format!("{}e{exponent}", &digits[..(3 + next() % 20) as usize]));
        }
    }

    #[test]
    fn floats_display_as_the_standard_library_does() {
        // `display` is the standard library's natively: call the wasm road.
        use super::{display, display_f32, shown_f32 as ours_f32, shown_f64 as ours};
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        let special = [
            0.0,
            -0.0,
            1.0,
            0.1,
            0.3,
            1e23,
            f64::from_bits(1e23f64.to_bits() - 1),
            f64::from_bits(1e23f64.to_bits() + 1),
            1e21,
            1e-7,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            2.0f64.powi(-1022) - 5e-324,
            2.0f64.powi(60),
            123456.789,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let random = (0..5_000).map(|_| f64::from_bits(next()));
        for f in special.into_iter().chain(random) {
            assert_eq!(ours(f), display(f), "{:#x}", f.to_bits());
            assert_eq!(ours_f32(f as f32), display_f32(f as f32), "{:#x} as f32", f.to_bits());
        }
        for _ in 0..5_000 {
            let f = f32::from_bits(next() as u32);
            assert_eq!(ours_f32(f), display_f32(f), "{:#x}", f.to_bits());
        }
        // Every power of two (the gap below is half the gap above).
        for e in -1074..1024 {
            let f = 2.0f64.powi(e);
            assert_eq!(ours(f), display(f), "2^{e}");
        }
    }

    #[test]
    fn halfway_points_round_to_even() {
        let mut state = 0x1234_5678_u64;
        for _ in 0..500 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let low = f64::from_bits((state >> 1) % 0x7fef_ffff_ffff_ffff);
            // The exact midpoint of low and the next float, in decimal:
            // every binary fraction has a finite decimal expansion.
            let midpoint = midpoint_text(low);
            same(&midpoint);
            // Just above it, by a digit past the 800 kept.
            let (digits, exponent) = midpoint.split_once('e').unwrap_or((&midpoint, "0"));
            same(&format!("{digits}.{}1e{exponent}", "0".repeat(900)));
        }
    }

    /// The exact decimal of the midpoint between `low` and the next float.
    fn midpoint_text(low: f64) -> String {
        let (bits, exp) = (low.to_bits() & ((1 << 52) - 1), (low.to_bits() >> 52) as i64);
        let (mantissa, e2) = if exp == 0 { (bits, -1074) } else { (bits | (1 << 52), exp - 1075) };
        // midpoint = (2m + 1) × 2^(e2 - 1)
        let mut number = super::Big::from(1);
        number.0 = vec![((2 * mantissa + 1) & 0xffff_ffff) as u32, ((2 * mantissa + 1) >> 32) as u32];
        let e = e2 - 1;
        if e >= 0 {
            number.shift_left(e as usize);
            return to_decimal(&number);
        }
        // × 5^-e, then the point -e places from the end.
        for _ in 0..-e {
            number.mul_add(5, 0);
        }
        let digits = to_decimal(&number);
        format!("{digits}e{e}")
    }

    fn to_decimal(number: &super::Big) -> String {
        let mut limbs = number.0.clone();
        let mut out = Vec::new();
        while limbs.iter().any(|&l| l != 0) {
            let mut rest = 0u64;
            for limb in limbs.iter_mut().rev() {
                let n = (rest << 32) | u64::from(*limb);
                *limb = (n / 10) as u32;
                rest = n % 10;
            }
            out.push(b'0' + rest as u8);
        }
        if out.is_empty() {
            out.push(b'0');
        }
        out.reverse();
        String::from_utf8(out).unwrap()
    }
}
