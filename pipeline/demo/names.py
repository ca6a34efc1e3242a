"""Pieces of Chinese names, nicknames and handles, assembled vectorized."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipeline.demo.randomness import pick

SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "欧阳", "司马")
SURNAME_WEIGHTS = np.array([7.2, 7.0, 6.7, 5.4, 4.5, 3.1, 2.2, 2.0, 1.9, 1.8, 1.5, 1.4, 1.3, 1.2, 1.2, 1.1, 1.0, 1.0, 0.9, 0.9, 0.9, 0.8, 0.7, 0.7, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.05, 0.02])
GIVEN_CHARS = tuple("伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉萍红梅兰婷雪琳晨浩宇轩子涵欣怡梓萱一诺思雨博文嘉佳乐欢辰泽昊天")
NICK_WORDS = ("小", "阿", "大", "快乐", "幸福", "阳光", "微笑", "晴天", "星空", "海风", "柠檬", "橘子", "猫咪", "兔兔", "奶茶", "咖啡", "向日葵", "蓝天", "清风", "木子", "糖果", "月亮", "云朵", "鱼", "熊")
PINYIN = ("wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "lin", "luo", "gao", "xiao", "ming", "hua", "jie", "ying", "fang", "lei", "tao", "yu", "hao", "xin", "jia", "le", "chen", "bo", "wen", "yi", "nuo", "tian", "xue", "mei")


def _gather(words: tuple[str, ...], index: np.ndarray) -> pl.Series:
    return pl.Series(values=list(words), dtype=pl.String).gather(index)


def full_names(rng: np.random.Generator, n: int) -> tuple[pl.Series, pl.Series]:
    """(surname, full name): mostly two-character given names, some one-character."""
    surname = _gather(SURNAMES, pick(rng, SURNAME_WEIGHTS, n))
    first = _gather(GIVEN_CHARS, rng.integers(0, len(GIVEN_CHARS), n))
    second = _gather(GIVEN_CHARS, rng.integers(0, len(GIVEN_CHARS), n))
    second = pl.select(pl.when(pl.lit(rng.random(n) < 0.3)).then(pl.lit("")).otherwise(second)).to_series()
    name = pl.select(pl.concat_str([surname, first, second])).to_series()
    return surname, name


def nicknames(rng: np.random.Generator, n: int) -> pl.Series:
    """WeChat-style nicknames: a word or two, sometimes digits."""
    a = _gather(NICK_WORDS, rng.integers(0, len(NICK_WORDS), n))
    b = _gather(NICK_WORDS, rng.integers(0, len(NICK_WORDS), n))
    digits = pl.Series(values=rng.integers(0, 1000, n)).cast(pl.String)
    with_digits = pl.Series(values=rng.random(n) < 0.3)
    return pl.select(
        pl.concat_str([a, b, pl.when(with_digits).then(digits).otherwise(pl.lit(""))])
    ).to_series()


def handles(rng: np.random.Generator, n: int, unique_tail: np.ndarray) -> pl.Series:
    """Latin handles (`zhangwei1988`, `li_hua2043`): pinyin plus a number that keeps them unique."""
    a = _gather(PINYIN, rng.integers(0, len(PINYIN), n))
    b = _gather(PINYIN, rng.integers(0, len(PINYIN), n))
    sep = _gather(("", "", "_", "."), rng.integers(0, 4, n))
    tail = pl.Series(values=np.asarray(unique_tail, dtype=np.int64)).cast(pl.String)
    return pl.select(pl.concat_str([a, sep, b, tail])).to_series()
