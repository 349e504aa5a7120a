"""Demo departments and leaders of a fictional city (written for this project)."""
from __future__ import annotations

from interact.departments.models import Department, DepartmentKind, Leader
from interact.extensions import db

# (code, name, kind, phone, address, description)
DEPARTMENTS = [
    ("XZSP", "市行政审批局", DepartmentKind.DEPARTMENT, "0571-12345601", "市民中心B座", "政务服务事项集中审批、政务服务中心管理"),
    ("FGW", "市发展和改革委员会", DepartmentKind.DEPARTMENT, "0571-12345602", "市府大楼3号楼", "国民经济和社会发展规划、价格管理"),
    ("JYJ", "市教育局", DepartmentKind.DEPARTMENT, "0571-12345603", "文教路18号", "义务教育招生入学、学校管理、教师队伍"),
    ("GAJ", "市公安局", DepartmentKind.DEPARTMENT, "0571-12345604", "平安大道1号", "户籍、居住证、出入境、交通管理（紧急报警请拨110）"),
    ("MZJ", "市民政局", DepartmentKind.DEPARTMENT, "0571-12345605", "民生路66号", "社会救助、养老服务、婚姻登记、殡葬管理"),
    ("RSJ", "市人力资源社会保障局", DepartmentKind.DEPARTMENT, "0571-12345606", "人民路200号", "社会保险、就业创业、劳动关系、人才服务"),
    ("ZRZY", "市自然资源和规划局", DepartmentKind.DEPARTMENT, "0571-12345607", "规划路9号", "国土空间规划、不动产登记"),
    ("SHJ", "市生态环境局", DepartmentKind.DEPARTMENT, "0571-12345608", "环保路5号", "环境质量、污染防治、环评审批"),
    ("ZJJ", "市住房和城乡建设局", DepartmentKind.DEPARTMENT, "0571-12345609", "建设路88号", "住房保障、物业管理、建筑市场"),
    ("JTJ", "市交通运输局", DepartmentKind.DEPARTMENT, "0571-12345610", "交通路12号", "公交、出租车、道路运输"),
    ("WJW", "市卫生健康委", DepartmentKind.DEPARTMENT, "0571-12345611", "健康路3号", "医疗机构、公共卫生、疾病预防"),
    ("SJJ", "市市场监督管理局", DepartmentKind.DEPARTMENT, "0571-12345612", "市场路20号", "市场主体登记、食品安全、消费维权"),
    ("YBJ", "市医疗保障局", DepartmentKind.DEPARTMENT, "0571-12345613", "人民路202号", "医疗保险、医保报销、异地就医"),
    ("GJJ", "市住房公积金管理中心", DepartmentKind.DEPARTMENT, "0571-12345614", "金融街7号", "住房公积金缴存、提取、贷款"),
    ("CGJ", "市城市管理局", DepartmentKind.DEPARTMENT, "0571-12345615", "城管路2号", "市容环境、垃圾分类、占道经营"),
    ("DCQ", "东城区人民政府", DepartmentKind.DISTRICT, "0571-12345616", "东城区政府大院", "东城区属地事项"),
    ("XCQ", "西城区人民政府", DepartmentKind.DISTRICT, "0571-12345617", "西城区政府大院", "西城区属地事项"),
]

LEADERS = [
    ("SZF", "李明华", "市长", "主持市政府全面工作", 10),
    ("SZF", "陈志远", "副市长", "分管教育、卫生健康、医疗保障", 20),
    ("SZF", "刘卫东", "副市长", "分管住房城乡建设、交通运输、城市管理", 30),
    ("RSJ", "周海燕", "局长", "主持市人力资源社会保障局全面工作", 40),
]


def seed(context: dict) -> None:
    city = Department(name="市人民政府", code="SZF", kind=DepartmentKind.CITY, phone="12345",
                      address="市府大楼", office_hours="工作日 9:00–17:00", sort_order=0,
                      description="市人民政府（市长信箱）")
    db.session.add(city)
    departments = {"SZF": city}
    for order, (code, name, kind, phone, address, description) in enumerate(DEPARTMENTS, start=1):
        department = Department(
            name=name, code=code, kind=kind, parent=city, phone=phone, address=address,
            email=f"{code.lower()}@example.gov.cn", office_hours="工作日 9:00–12:00，13:30–17:00",
            description=description, sort_order=order * 10,
        )
        db.session.add(department)
        departments[code] = department
    db.session.flush()
    for code, name, title, duties, order in LEADERS:
        db.session.add(Leader(department=departments[code], name=name, title=title, duties=duties, sort_order=order))
    context.update(departments=departments)
