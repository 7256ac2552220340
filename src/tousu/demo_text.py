"""Chinese wording for the demo cases (``tousu.demo``): customers, places, complaint texts.

Complaint details are chosen by keywords found in the category's name (or its parents'
names), so the demo keeps working when a pack renames or adds categories.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from tousu.cases.services import CustomerData, IntakeData
from tousu.packs.schema import Category, Pack

PACK_WEIGHTS = {"property": 5, "telecom": 3, "logistics": 2, "retail": 2, "internet": 2, "bank": 2}
REQUEST_TYPE_WEIGHTS = {
    "complaint": 8,
    "fault": 3,
    "consultation": 2,
    "inquiry": 2,
    "report": 2,
    "suggestion": 1,
}
WINDOW_TYPES = frozenset({"inquiry", "consultation"})
CHANNEL_WEIGHTS = {
    "phone": 40,
    "wechat": 12,
    "app": 10,
    "web": 8,
    "walk_in": 10,
    "email": 4,
    "letter": 2,
    "opinion_box": 2,
    "social": 3,
    "regulator": 2,
    "media": 1,
    "headquarters": 1,
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "晓东",
    "雪梅",
    "海燕",
    "志红",
)

# pack code -> (keywords in the category name, details). Details are whole clauses.
DETAILS: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {
    "property": [
        (
            ("电梯",),
            [
                "电梯这周已经停运三次，昨晚还困了人二十多分钟，维保人员半小时后才到",
                "电梯运行时有明显异响，轿厢抖动，家里老人孩子都不敢坐",
            ],
        ),
        (
            ("上下水", "管道", "落水"),
            [
                "楼上卫生间漏水，已经渗到我家客厅天花板，墙皮大面积脱落",
                "地下车库顶板漏水，车子连续几天被淋湿，报修后没人来看",
            ],
        ),
        (("照明",), ["楼道灯坏了一个多星期没人修，晚上上下楼只能摸黑"]),
        (
            ("空调", "暖气", "供暖"),
            [
                "暖气一直不热，室内只有十四五度，家里老人受不了",
                "中央空调出风口滴水，办公桌和文件都被打湿",
            ],
        ),
        (("消防",), ["消防通道长期堆放杂物，消防栓箱玻璃破损也没人更换"]),
        (("垃圾道", "垃圾清运", "垃圾"), ["垃圾两天没有清运，楼下气味很大，招来很多苍蝇"]),
        (("烟囱", "烟道"), ["公共烟道串味，做饭时别人家的油烟往我家里倒灌"]),
        (("天线",), ["有线电视信号时有时无，共用天线老化一直没人处理"]),
        (("水泵",), ["高层水压太低，早晚用水高峰时热水器都打不着火"]),
        (
            ("外来人员", "技术防范", "门禁"),
            [
                "门岗对外来人员不登记就放行，小区里经常有人挨家推销",
                "单元门禁坏了半个月，谁都能随便进出",
            ],
        ),
        (("车辆", "道路秩序"), ["我的固定车位长期被外来车辆占用，找保安也不处理"]),
        (("物品搬运",), ["有人半夜搬运大件物品出小区，保安没有核查放行条"]),
        (("对讲机",), ["夜里巡逻保安对讲机声音开得很大，吵得孩子睡不着觉"]),
        (("突发",), ["小区停电时应急照明没有启动，保安也没有人出来引导"]),
        (("清洁", "保洁"), ["楼道卫生很差，地面一周没拖，扶手上都是灰"]),
        (("绿化",), ["草坪长期没人修剪，楼前几棵树已经枯死"]),
        (("消杀",), ["地下室蟑螂老鼠很多，要求物业尽快安排消杀"]),
        (("商铺", "油烟"), ["楼下餐馆油烟直排，家里窗户都不敢开，还有商户占道经营"]),
        (("噪声", "噪音"), ["邻居装修早上七点就开工，电钻声吵得没法休息"]),
        (("违章",), ["顶楼住户在公共平台违章搭建阳光房，物业没有制止"]),
        (("装修",), ["邻居装修时疑似拆改承重墙，物业巡查不到位"]),
        (
            ("楼板", "屋顶", "外墙", "结构"),
            ["外墙瓷砖脱落砸到楼下电动车，存在很大安全隐患", "顶层屋面渗水，卧室墙角发霉"],
        ),
        (("楼梯", "走廊", "门厅"), ["楼梯间扶手松动，门厅玻璃门关不上"]),
        (("道路",), ["小区主干道路面坑洼，下雨天大量积水"]),
        (("保养", "修缮", "房屋"), ["报修公共楼道墙面开裂已经一个月，至今没人来修"]),
        (("收费",), ["物业费的收费标准和合同不一致，多收了停车管理费"]),
        (("礼", "员工"), ["前台工作人员态度生硬，说话很不耐烦，还挂我电话"]),
        (("巴士",), ["住户巴士经常不按时刻表发车，早上上班赶不上地铁"]),
        (("会所",), ["会所游泳池水质浑浊，开放时间也随意变更"]),
        (("居家", "家政"), ["预约的入户维修师傅迟到两个小时，修完水龙头还是漏"]),
    ],
    "telecom": [
        (
            ("信号",),
            [
                "家里和小区里手机信号很弱，通话经常断线，进电梯就完全没有信号",
                "单位所在写字楼室内信号只有一格，重要电话经常打不进来",
            ],
        ),
        (("漫游",), ["出差回来发现产生了三百多元漫游费，出发前没有收到任何提醒"]),
        (("悦铃", "彩铃", "回铃"), ["从来没有订过悦铃，每个月却被扣了五元功能费"]),
        (
            ("定制", "扣费"),
            [
                "手机被莫名定制了短信增值业务，每月扣费十元，本人完全不知情",
                "收到一条短信后就被开通了包月服务，退订回复无效",
            ],
        ),
        (("灵通",), ["大灵通给异网手机发短信对方经常收不到，延迟好几个小时"]),
        (("互连", "互联", "网间"), ["打其他运营商的号码经常接不通，接通后也常常单通没有声音"]),
        (("节假", "高峰"), ["除夕晚上电话一直打不出去，拜年短信第二天才发到"]),
        (("话机", "终端"), ["新办的合约机不到一个月就频繁死机重启，营业厅不给换机"]),
        (("话费", "争议"), ["本月话费比平时多出一百多元，详单里有很多不认识的号码"]),
        (("服务",), ["营业厅办理业务时工作人员推销套餐，说不办就不给处理"]),
    ],
    "logistics": [
        (("态度", "不理睬", "傲慢"), ["快递员送件时态度恶劣，问一句就被骂，还把包裹扔在地上"]),
        (("承诺",), ["下单时说好当天上门取件，等了一整天没人来，也没有任何通知"]),
        (("行为规范", "违反"), ["快递员没有送货上门就点了签收，包裹被放在小区门口无人看管"]),
        (("失职",), ["网点把我的货错发到外地，耽误了两天还说是我地址写错了"]),
        (("货差",), ["收到的箱子里少了两件货，外包装有被拆开重新封过的痕迹"]),
        (("时效",), ["承诺次日达的件三天了还没有派送，查询显示一直在转运中心"]),
        (("信息",), ["物流信息一周没有更新，打客服电话也查不到包裹在哪里"]),
        (("保险", "理赔"), ["寄的瓷器到货时已经摔碎，申请保价理赔半个月没有结果"]),
    ],
    "retail": [
        (("无法修复",), ["买的冰箱保修期内修了三次还是不制冷，维修点说无法修复"]),
        (("三个月", "故障"), ["买的电热水壶用了不到一个月就漏电，跳闸了好几次"]),
        (("质量",), ["买的羽绒服第一次洗就严重跑绒，标签成分和实际不符"]),
        (("安装",), ["空调安装师傅打孔打穿了水管，墙面渗水，还另外收了材料费"]),
        (("伤",), ["在商场门口湿滑地面摔倒，手腕骨折，现场没有任何警示标志"]),
        (("财产", "损失"), ["购买的洗衣机安装后漏水，泡坏了家里的木地板"]),
        (("假", "水货"), ["在店里买的品牌护肤品经鉴定是假货，要求按规定赔偿"]),
        (("服务",), ["收银员态度恶劣，退货时被店员当众指责，要求道歉"]),
    ],
    "internet": [
        (
            ("有害",),
            [
                "举报：某账号连续发布涉及“{name}”的内容，评论区已有大量转发",
                "举报：直播间主播发布与“{name}”有关的言论，请尽快核查处置",
            ],
        ),
        (("侵犯", "权益"), ["我原创的摄影作品被他人盗用发布并标注为原创，多次投诉未处理"]),
        (("欺诈", "不正当"), ["在平台上被冒充官方客服的人骗走两千元，对方账号仍在活跃"]),
        (("辱骂", "骚扰"), ["有用户长期私信辱骂骚扰我，拉黑后又换小号继续"]),
        (("隐私",), ["我的照片和手机号被他人发布在平台上，要求立即删除并处理发布者"]),
        (("工作人员",), ["平台审核人员以删帖为条件向我索要好处费"]),
        (("入驻",), ["平台入驻商家发货后失联，订单一直显示待收货，联系不上客服"]),
        (("产品",), ["会员到期后被自动续费，开通时页面并没有明确提示"]),
        (("技术",), ["App 更新后一直闪退，账号里的数据全部丢失"]),
        (("服务",), ["账号被无故封禁，申诉提交一周了一直没有人工回复"]),
    ],
    "bank": [
        (("存款",), ["定期存款到期后被自动转存，柜员当初没有说明"]),
        (("贷款",), ["房贷已经按时还款，征信报告上却显示逾期记录"]),
        (
            ("银行卡",),
            [
                "凌晨收到多笔境外消费短信，卡一直在自己身上，疑似被盗刷",
                "信用卡年费在没有任何通知的情况下被扣收",
            ],
        ),
        (("支付", "结算"), ["跨行转账显示成功，对方三天了还没有收到款项"]),
        (("理财", "代销"), ["客户经理推荐理财时口头承诺保本，到期却亏损了百分之八"]),
        (("收费", "价格"), ["办理业务被收取了网点没有公示的手续费"]),
        (("网上", "手机银行"), ["手机银行转账时反复提示系统繁忙，钱却被扣走了"]),
        (("态度",), ["柜员办理业务时态度冷淡，问两句就很不耐烦"]),
        (("排队",), ["在网点排队一个多小时，只开了一个窗口"]),
        (("设施", "环境"), ["网点的自助取款机吞卡，等了半天没有人来处理"]),
    ],
}
GENERIC_DETAILS = [
    "反映的{name}问题已经持续一段时间",
    "对{name}方面的处理结果不满意",
    "{name}问题多次反映都没有得到解决",
]
EXTRAS = [
    "之前已经打过两次电话，一直没有人回复",
    "希望尽快安排人员处理",
    "家里有老人和小孩，影响很大",
    "请给一个明确的处理时间",
    "前后说法不一致，感觉在互相推诿",
    "如果再不解决就向有关部门反映",
    "已经拍了照片可以提供",
    "",
]
DEMANDS = [
    "尽快处理并告知结果",
    "尽快上门维修",
    "要求赔偿损失",
    "要求退还多收的费用",
    "要求相关人员道歉",
    "希望给出书面答复",
    "要求查明原因并整改",
]
PLACES = {
    "property": ["锦绣花园", "翠湖苑", "阳光家园", "金桂华庭", "滨江名都", "明珠公寓"],
    "telecom": ["城南营业厅", "高新区", "大学城", "开发区", "老城区"],
    "logistics": ["朝阳区营业部", "城东转运中心", "南湖驿站", "西站分拨中心"],
    "retail": ["万达店", "解放路店", "新城店", "线上商城"],
    "internet": ["App 内", "网页端", "小程序"],
    "bank": ["人民路支行", "中山路网点", "高新区支行", "手机银行"],
}

URGE_NOTES = ["客户再次来电催问进度", "客户第二次来电，情绪较激动", "客户通过微信留言催办"]
INVALID_NOTES = ["经核实与事实不符", "不属于本单位服务范围，已向客户说明", "客户提供的信息无法核实"]
WITHDRAW_REASONS = [
    "客户来电表示问题已自行解决，撤回投诉",
    "客户与对方协商一致，主动撤诉",
    "客户表示暂不需要处理",
]
WINDOW_WORDING = [
    "已按规范口径向客户解释相关规定，客户表示理解",
    "当场为客户查询并说明情况，客户认可",
]
PROGRESS_NOTES = [
    "已联系客户约定上门时间",
    "已到现场查看，正在协调相关方",
    "配件已下单，预计两天内到货",
    "已调取记录核实情况",
]
FINDINGS = [
    "经现场核实，情况基本属实",
    "经调查，系设备老化导致",
    "经核查，工作人员存在服务不到位的情况",
    "经调取记录，问题由第三方原因造成",
]
ROOT_CAUSES = [
    "日常巡检不到位",
    "设备超过使用年限",
    "人员培训不足",
    "外包方管理松散",
    "流程衔接不畅",
]
REJECT_REASONS = ["客户认为补偿金额太低", "客户不接受只作解释，要求实际处理", "客户要求先书面道歉"]
REPLY_MESSAGES = [
    "已电话告知客户处理结果，客户表示知悉",
    "已通过短信向客户发送处理结果",
    "已当面向客户说明处理情况",
]
FOLLOW_UP_COMMENTS = [
    "客户对处理结果满意",
    "客户认可处理，但希望今后加强管理",
    "客户表示问题已解决",
]
SOLUTIONS = [
    ("repair", "安排人员上门维修"),
    ("explanation", "向客户说明原因并致歉"),
    ("apology", "由责任部门负责人当面道歉"),
    ("refund", "退还多收取的费用"),
    ("compensation", "给予适当经济补偿"),
    ("replacement", "为客户更换新品"),
]


@dataclass(frozen=True)
class Drawn:
    description: str
    location: str


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _names(pack: Pack, category: Category) -> str:
    return "".join(c.name for c in pack.lineage(category.code))


def _detail(rng: random.Random, pack: Pack, category: Category) -> str:
    names = _names(pack, category)
    for keywords, details in DETAILS.get(pack.code, []):
        if any(k in names for k in keywords):
            return rng.choice(details).format(name=category.name)
    return rng.choice(GENERIC_DETAILS).format(name=category.name)


def preferred_request_type(pack: Pack, category: Category) -> str | None:
    """Reports (举报) of harmful content are filed as ``report`` where the pack has it."""
    if "report" in pack.request_types and "有害" in _names(pack, category):
        return "report"
    return None


def _place(rng: random.Random, pack: Pack) -> tuple[str, str, dict[str, str]]:
    """(location, address, references) for a customer of this pack."""
    site = rng.choice(PLACES.get(pack.code, ["本市"]))
    if pack.code == "property":
        room = f"{rng.randint(1, 18)}-{rng.randint(1, 4)}{rng.randint(1, 3):02d}"
        building, rest = room.split("-")
        return (f"{site}{building}栋", f"{site}{building}栋{rest}室", {"room": room})
    refs = {
        "telecom": {"phone": ""},
        "logistics": {"order": f"YD{rng.randrange(10**11):011d}"},
        "retail": {"order": f"SO{rng.randrange(10**9):09d}"},
        "internet": {"account": f"u{rng.randrange(10**8):08d}"},
        "bank": {"account": f"6222****{rng.randrange(10**4):04d}"},
    }.get(pack.code, {})
    return (
        site,
        f"{rng.choice(['东城区', '西城区', '高新区', '江北区'])}{rng.randint(1, 300)}号",
        refs,
    )


def _facts(rng: random.Random, channel: str) -> dict[str, Any]:
    roll = rng.random()
    facts: dict[str, Any] = {}
    if channel == "media" or roll < 0.02:
        facts["media"] = True
    if channel == "regulator" or 0.02 <= roll < 0.04:
        facts["regulator"] = True
    if 0.04 <= roll < 0.08:
        facts["complainant_count"] = rng.randint(5, 12)
        facts["households"] = facts["complainant_count"]
    if 0.08 <= roll < 0.13:
        facts["economic_loss"] = rng.choice([300, 600, 1200, 5000])
    return facts


def intake_data(
    rng: random.Random, pack: Pack, category: Category, request_type: str
) -> IntakeData:
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    location, address, refs = _place(rng, pack)
    number = phone(rng)
    if "phone" in refs:
        refs["phone"] = number
    name = person(rng)
    extra = rng.choice(EXTRAS)
    description = f"{location}：{_detail(rng, pack, category)}。" + (f"{extra}。" if extra else "")
    customer = CustomerData(
        name=name, phone=number, address=address, household=refs.get("room", "")
    )
    return IntakeData(
        pack=pack.code,
        channel=channel,
        request_type=request_type,
        description=description,
        customer=customer,
        category=category.code,
        demand=rng.choice(DEMANDS),
        location=location,
        facts=_facts(rng, channel),
        references=refs,
        walk_in_confirmed=channel == "walk_in",
        complained_person=person(rng) if rng.random() < 0.08 else "",
    )


def solutions(rng: random.Random, better: bool = False) -> list[dict[str, Any]]:
    kind, description = rng.choice(SOLUTIONS)
    item: dict[str, Any] = {"kind": kind, "description": description}
    if kind in ("refund", "compensation"):
        item["amount"] = rng.choice([50, 100, 200, 300]) * (2 if better else 1)
    items = [item]
    if better:
        items.append({"kind": "apology", "description": "责任部门负责人上门致歉"})
    return items
