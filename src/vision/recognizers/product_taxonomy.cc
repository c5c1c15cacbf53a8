#include "vision/recognizers/product_taxonomy.h"

#include <algorithm>
#include <cmath>

namespace kanjian::vision {

const std::vector<ProductClass>& ProductTaxonomy() {
  static const std::vector<ProductClass> kTable = {
      {"bicycle", "自行车", "运动户外-骑行运动"},
      {"backpack", "双肩包", "箱包皮具-功能箱包"},
      {"umbrella", "雨伞", "家居日用-雨伞雨具"},
      {"handbag", "手提包", "箱包皮具-潮流女包"},
      {"tie", "领带", "服饰配件-领带领结"},
      {"suitcase", "行李箱", "箱包皮具-功能箱包"},
      {"frisbee", "飞盘", "运动户外-户外玩具"},
      {"skis", "双板滑雪板", "运动户外-滑雪装备"},
      {"snowboard", "单板滑雪板", "运动户外-滑雪装备"},
      {"sports ball", "球", "运动户外-球类"},
      {"kite", "风筝", "运动户外-户外玩具"},
      {"baseball bat", "棒球棒", "运动户外-球类"},
      {"baseball glove", "棒球手套", "运动户外-球类"},
      {"skateboard", "滑板", "运动户外-轮滑滑板"},
      {"surfboard", "冲浪板", "运动户外-水上运动"},
      {"tennis racket", "网球拍", "运动户外-球类"},
      {"bottle", "瓶子", "厨具-杯壶瓶罐"},
      {"wine glass", "酒杯", "厨具-杯壶瓶罐"},
      {"cup", "杯子", "厨具-杯壶瓶罐"},
      {"fork", "叉子", "厨具-餐具"},
      {"knife", "刀", "厨具-刀剪菜板"},
      {"spoon", "勺子", "厨具-餐具"},
      {"bowl", "碗", "厨具-餐具"},
      {"banana", "香蕉", "生鲜-水果"},
      {"apple", "苹果", "生鲜-水果"},
      {"sandwich", "三明治", "食品-面包糕点"},
      {"orange", "橙子", "生鲜-水果"},
      {"broccoli", "西兰花", "生鲜-蔬菜"},
      {"carrot", "胡萝卜", "生鲜-蔬菜"},
      {"hot dog", "热狗", "食品-熟食"},
      {"pizza", "披萨", "食品-熟食"},
      {"donut", "甜甜圈", "食品-面包糕点"},
      {"cake", "蛋糕", "食品-面包糕点"},
      {"chair", "椅子", "家具-椅凳"},
      {"couch", "沙发", "家具-沙发"},
      {"potted plant", "盆栽", "家居园艺-绿植盆栽"},
      {"bed", "床", "家具-床"},
      {"dining table", "餐桌", "家具-桌子"},
      {"toilet", "马桶", "家装建材-卫浴用品"},
      {"tv", "电视", "家用电器-电视"},
      {"laptop", "笔记本电脑", "电脑办公-电脑整机"},
      {"mouse", "鼠标", "电脑办公-外设产品"},
      {"remote", "遥控器", "家用电器-家电配件"},
      {"keyboard", "键盘", "电脑办公-外设产品"},
      {"cell phone", "手机", "手机数码-手机通讯"},
      {"microwave", "微波炉", "家用电器-厨房电器"},
      {"oven", "烤箱", "家用电器-厨房电器"},
      {"toaster", "烤面包机", "家用电器-厨房电器"},
      {"sink", "水槽", "家装建材-厨房卫浴"},
      {"refrigerator", "冰箱", "家用电器-大家电"},
      {"book", "图书", "图书-图书"},
      {"clock", "钟表", "家居日用-钟表"},
      {"vase", "花瓶", "家居日用-装饰摆件"},
      {"scissors", "剪刀", "家居日用-剪刀工具"},
      {"teddy bear", "毛绒玩具", "玩具乐器-毛绒玩具"},
      {"hair drier", "吹风机", "家用电器-个护电器"},
      {"toothbrush", "牙刷", "个护清洁-口腔护理"},
  };
  return kTable;
}

const ProductClass* ProductClassFor(std::string_view coco_label) {
  for (const ProductClass& c : ProductTaxonomy()) {
    if (c.coco == coco_label) return &c;
  }
  return nullptr;
}

std::vector<Product> ProductsFromDetections(const std::vector<Detection>& detections,
                                            float min_score) {
  std::vector<Product> out;
  for (const Detection& d : detections) {
    const ProductClass* c = ProductClassFor(d.label);
    if (!c || d.score < min_score) continue;
    Product p;
    p.name = std::string(c->name);
    p.parents = std::string(c->parents);
    p.confidence = std::clamp(int(std::lround(d.score * 100)), 0, 100);
    p.box = d.box;
    p.score = d.score;
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Product& a, const Product& b) { return a.score > b.score; });
  return out;
}

float ProductSalience(const Product& p, int image_width, int image_height) {
  const double image_area = std::max(1.0, double(image_width) * image_height);
  const double area = double(p.box.width) * p.box.height;
  return float(p.score * std::sqrt(std::clamp(area / image_area, 0.0, 1.0)));
}

}  // namespace kanjian::vision
