// Interface words in Vietnamese (the default) and English.  Code lists
// (sexes, methods, event types...) come from the server (/api/v1/codes).
const W = {
  vi: {
    loading: 'Đang tải…', login: 'Đăng nhập', logout: 'Đăng xuất', user: 'Tên đăng nhập', password: 'Mật khẩu',
    badLogin: 'Sai tên đăng nhập hoặc mật khẩu.', throttled: 'Đăng nhập sai quá nhiều lần. Hãy thử lại sau {m} phút.',
    sessionOver: 'Phiên làm việc đã hết. Hãy đăng nhập lại.',
    book: 'Sổ hộ', dashboard: 'Tổng quan', worklist: 'Danh sách cần làm', comm: 'Truyền thông, CLB', elderly: 'Khám người cao tuổi', workforce: 'Cộng tác viên', find: 'Tìm kiếm', area: 'Địa bàn', record: 'Ghi biến động', slip: 'Phiếu tháng',
    reports: 'Báo cáo', check: 'Kiểm tra số liệu', quality: 'Chất lượng số liệu', duplicates: 'Người bị ghi trùng', reconcile: 'Đối chiếu CSDL dân cư', admin: 'Quản trị', year: 'Năm', account: 'Tài khoản', auditSearch: 'Điều tra truy cập', mapChange: 'Thay đổi địa giới', series: 'Chuỗi số liệu',
    projection: 'Dự báo dân số',
    population: 'Dân số', birthsMonth: 'Sinh trong tháng', birthsYear: 'Sinh từ đầu năm', srb: 'Tỷ số giới tính khi sinh',
    p3: 'Tỷ lệ sinh con thứ 3+', mcpr: 'Tỷ lệ dùng BPTT hiện đại', pns: 'Sàng lọc trước sinh', nbs: 'Sàng lọc sơ sinh',
    elc: 'Người cao tuổi được khám', target: 'Kế hoạch', ceiling: 'Không vượt quá', prog_reached: 'đã đạt', prog_on_track: 'đúng tiến độ', prog_behind: 'chậm tiến độ', prog_no_target: 'chưa có kế hoạch', prog_over: 'đã vượt mức', targets: 'Chỉ tiêu kế hoạch', reached: 'đạt {p}%', pyramid: 'Tháp dân số',
    trend: 'Biến động theo tháng', births: 'Sinh', deaths: 'Chết', in: 'Chuyển đến', out: 'Chuyển đi',
    male: 'Nam', female: 'Nữ', notUpdated: 'Địa bàn chưa cập nhật tháng này', allUpdated: 'Mọi địa bàn đã cập nhật tháng này.',
    search: 'Tìm', searchLabel: 'Họ tên, số CCCD hoặc số hộ', bornYear: 'Năm sinh', noResult: 'Không tìm thấy.',
    name: 'Họ và tên', sex: 'Giới tính', birth: 'Ngày sinh', household: 'Hộ', head: 'Chủ hộ', members: 'Thành viên', history: 'Lịch sử',
    address: 'Địa chỉ', number: 'Số hộ', type: 'Loại hộ', poverty: 'Hộ nghèo', present: 'Đang cư trú', gone: 'Không còn cư trú',
    chooseArea: 'Chọn địa bàn', households: 'Danh sách hộ', month: 'Tháng', show: 'Xem', print: 'In',
    slipTitle: 'Phiếu thu thập thông tin biến động dân số (P0/CTV)', preparer: 'Người lập phiếu', approver: 'Cán bộ xã kiểm tra',
    form: 'Mẫu báo cáo', unit: 'Đơn vị', period: 'Kỳ báo cáo', mapDate: 'Theo địa giới hành chính ngày', actions: 'Thao tác', table: 'Bảng', fromFile: 'Nhập từ tệp', relation: 'Quan hệ với chủ hộ',
    periodHint: '2024, 2024-Q1, 2024-H1 hoặc 2024-03', download: 'Tải về', code: 'Mã', indicator: 'Chỉ tiêu',
    unitOf: 'Đơn vị tính', total: 'Tổng', eventType: 'Loại biến động', save: 'Lưu', saved: 'Đã lưu: {t}.',
    required: 'Bắt buộc', future: 'Ngày không được ở tương lai', personId: 'Mã người', householdId: 'Mã hộ',
    suggested: 'gợi ý: {v}', fixFields: 'Hãy sửa các ô được đánh dấu.', refused: 'Không ghi được: {m}',
    start: 'Đầu kỳ', end: 'Cuối kỳ', otherIn: 'Vào khác', otherOut: 'Ra khác', diff: 'Chênh lệch',
    balances: 'Mọi đơn vị đều cân đối.', notBalanced: 'Có đơn vị không cân đối.', items: 'Các trường hợp',
    units: 'Đơn vị hành chính', users: 'Người dùng', audit: 'Nhật ký truy cập', date: 'Ngày', role: 'Vai trò',
    add: 'Thêm', newPassword: 'Mật khẩu mới (chỉ hiện một lần): {p}', login2: 'Tài khoản', when: 'Thời gian',
    action: 'Thao tác', object: 'Đối tượng', outcome: 'Kết quả', page: 'Trang', next: 'Sau', prev: 'Trước',
    roles: { collaborator: 'Cộng tác viên', commune: 'Cán bộ xã', province: 'Cán bộ tỉnh', national: 'Cán bộ trung ương', admin: 'Quản trị viên' },
    yes: 'Có', no: 'Không', notFound: 'Không tìm thấy.', error: 'Có lỗi: {m}', empty: 'Chưa có biến động nào.',
    offline: 'Mất kết nối mạng.', reset: 'Đặt lại mật khẩu', disabled: 'Khóa', event: 'Biến động', recordedBy: 'Người ghi',
    person: 'Người', open: 'Mở', childrenOf: 'Con của mẹ', section: 'Mục',
    entries: '{n} biến động', none: 'Không có', signName: '(ký, ghi rõ họ tên)',
    addUser: 'Thêm người dùng', changed: 'Đã lưu thay đổi.', unitHint: 'tỉnh hoặc xã: gõ tên; địa bàn: gõ mã',
    badDate: 'Ngày không hợp lệ (ngày/tháng/năm)', levels: 'Số cấp', unitsAt: 'Cây đơn vị hành chính ngày', objectId: 'Mã đối tượng',
    openUnit: 'Mở báo cáo của đơn vị',
    tryAgain: 'Máy chủ tạm thời chưa ghi được ({m}). Hãy bấm Đăng nhập lại.',
    review: 'Rà soát', queries: 'Câu hỏi', cycle: 'Gửi và duyệt báo cáo', timeliness: 'Tiến độ báo cáo',
    numbers: 'Số liệu', migration: 'Chuyển đến – chuyển đi', quietCount: '{n} trên {m} địa bàn chưa có biến động nào được ghi trong tháng này.',
  },
  en: {
    loading: 'Loading…', login: 'Log in', logout: 'Log out', user: 'Login', password: 'Password',
    badLogin: 'Wrong login or password.', throttled: 'Too many failed logins. Try again in {m} minutes.',
    sessionOver: 'Your session has ended. Please log in again.',
    book: 'Household book', dashboard: 'Dashboard', worklist: 'Work lists', comm: 'Communication, clubs', elderly: 'Elderly checks', workforce: 'Collaborators', find: 'Find', area: 'Area', record: 'Record a change', slip: 'Monthly slip',
    reports: 'Reports', check: 'Data check', quality: 'Data quality', duplicates: 'Recorded twice', reconcile: 'National database', admin: 'Administration', year: 'Year', account: 'Account', auditSearch: 'Access investigation', mapChange: 'Map changes', series: 'Monthly series',
    projection: 'Projections',
    population: 'Population', birthsMonth: 'Births this month', birthsYear: 'Births this year', srb: 'Sex ratio at birth',
    p3: 'Third-or-higher births', mcpr: 'Modern contraceptive prevalence', pns: 'Prenatal screening', nbs: 'Newborn screening',
    elc: 'Elderly health checks', target: 'Target', ceiling: 'At most', prog_reached: 'reached', prog_on_track: 'on track', prog_behind: 'behind', prog_no_target: 'no target', prog_over: 'passed', targets: 'Targets', reached: '{p}% reached', pyramid: 'Population pyramid',
    trend: 'Monthly changes', births: 'Births', deaths: 'Deaths', in: 'Moved in', out: 'Moved out',
    male: 'Male', female: 'Female', notUpdated: 'Areas not updated this month', allUpdated: 'Every area was updated this month.',
    search: 'Search', searchLabel: 'Name, national id or household number', bornYear: 'Year of birth', noResult: 'Nothing found.',
    name: 'Full name', sex: 'Sex', birth: 'Birth date', household: 'Household', head: 'Head', members: 'Members', history: 'History',
    address: 'Address', number: 'Number', type: 'Type', poverty: 'Poverty', present: 'Resident', gone: 'No longer resident',
    chooseArea: 'Choose an area', households: 'Households', month: 'Month', show: 'Show', print: 'Print',
    slipTitle: 'Population change slip (P0/CTV)', preparer: 'Prepared by', approver: 'Checked by the commune officer',
    form: 'Form', unit: 'Unit', period: 'Period', mapDate: 'Administrative boundaries of', actions: 'Actions', table: 'Table', fromFile: 'Imported from a file', relation: 'Relation to the head',
    periodHint: '2024, 2024-Q1, 2024-H1 or 2024-03', download: 'Download', code: 'Code', indicator: 'Indicator',
    unitOf: 'Unit', total: 'Total', eventType: 'Kind of change', save: 'Save', saved: 'Saved: {t}.',
    required: 'Required', future: 'The date cannot be in the future', personId: 'Person id', householdId: 'Household id',
    suggested: 'suggested: {v}', fixFields: 'Please fix the marked fields.', refused: 'Not saved: {m}',
    start: 'Start', end: 'End', otherIn: 'Other in', otherOut: 'Other out', diff: 'Difference',
    balances: 'Every unit balances.', notBalanced: 'Some units do not balance.', items: 'Cases',
    units: 'Administrative units', users: 'Users', audit: 'Audit log', date: 'Date', role: 'Role',
    add: 'Add', newPassword: 'New password (shown once): {p}', login2: 'Account', when: 'When',
    action: 'Action', object: 'Object', outcome: 'Outcome', page: 'Page', next: 'Next', prev: 'Previous',
    roles: { collaborator: 'Collaborator', commune: 'Commune officer', province: 'Province officer', national: 'National officer', admin: 'Administrator' },
    yes: 'Yes', no: 'No', notFound: 'Not found.', error: 'Error: {m}', empty: 'No changes yet.',
    offline: 'No network connection.', reset: 'Reset password', disabled: 'Disabled', event: 'Change', recordedBy: 'Recorded by',
    person: 'Person', open: 'Open', childrenOf: "Mother's children", section: 'Section',
    entries: '{n} changes', none: 'None', signName: '(signature and full name)',
    addUser: 'Add a user', changed: 'Saved.', unitHint: 'a province or commune: type its name; an area: its code',
    badDate: 'Not a valid date (day/month/year)', levels: 'Levels', unitsAt: 'Unit tree on', objectId: 'Object id',
    openUnit: 'Open the report of unit',
    tryAgain: 'The server could not complete this just now ({m}). Please press Log in again.',
    review: 'Review', queries: 'Questions', cycle: 'Submit and approve', timeliness: 'Timeliness',
    numbers: 'Figures', migration: 'Moves in and out', quietCount: '{n} of {m} areas have no change recorded this month.',
  },
};

let lang = localStorage.getItem('lang') === 'en' ? 'en' : 'vi';

export function getLang() { return lang; }
export function setLang(l) { lang = l; localStorage.setItem('lang', l); document.documentElement.lang = l; }

// t('reached', {p: 80}) -> "đạt 80%"
export function t(key, args) {
  let s = W[lang][key] ?? W.vi[key] ?? key;
  if (args) for (const [k, v] of Object.entries(args)) s = s.replace(`{${k}}`, v);
  return s;
}

export function role(r) { return W[lang].roles[r] || r; }

const nf0 = () => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 0 });
// Vietnamese style: 1.234.567 and 12,5
export function num(v, decimals = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '';
  if (!decimals) return nf0().format(v);
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(v);
}

// 2024-03-05 -> 05/03/2024; partial dates (2024-03, 2024) keep their precision.
export function date(iso) {
  if (!iso) return '';
  const [y, m, d] = String(iso).split('-');
  return d ? `${d.slice(0, 2)}/${m}/${y}` : m ? `${m}/${y}` : y;
}
